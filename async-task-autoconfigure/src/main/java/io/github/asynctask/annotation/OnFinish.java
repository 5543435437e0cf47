package io.github.asynctask.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method that receives task outcomes: Swoole's {@code onFinish}. Supported signatures:
 * {@code (R result)} and {@code (R result, TaskContext ctx)}, called for successful tasks whose non-null result is
 * an instance of {@code R}; and {@code (TaskResult<?> result)}, called for every outcome. All matching methods
 * run, ordered by {@link org.springframework.core.annotation.Order @Order}.
 * <p>
 * Tasks dispatched with a callback, or through {@code submit}, {@code dispatchAndWait} or
 * {@code dispatchAllAndWait}, deliver their outcome there instead.
 * <p>
 * Threading: runs on the worker thread right after the task, never on the dispatching thread (except in
 * {@code inline} mode and under {@code caller-runs}). An exception is logged and counted and affects neither the
 * other listeners nor the worker.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnFinish {

	/** Alias for {@link #taskNames()}. */
	@AliasFor("taskNames")
	String[] value() default {};

	/** Only outcomes of these task names; empty: every task name. */
	@AliasFor("value")
	String[] taskNames() default {};

}
