package io.github.asynctask.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method as the handler of one task name: Swoole's {@code onTask}. The method takes one payload
 * parameter of any type and optionally a {@link io.github.asynctask.TaskContext}, in any order; its return value
 * is the task's result ({@code void}: {@code null}).
 * <p>
 * Threading: runs on a task worker thread (or the caller's thread in {@code inline} mode and under
 * {@code caller-runs}); one worker runs one task at a time, so a handler that blocks holds its worker.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnTask {

	/** Alias for {@link #name()}. */
	@AliasFor("name")
	String value() default "";

	/** The task name; defaults to the simple name of the payload class. */
	@AliasFor("value")
	String name() default "";

}
