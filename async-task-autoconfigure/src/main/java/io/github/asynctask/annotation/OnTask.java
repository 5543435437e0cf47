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
 * Execution control: {@link #retries()}, {@link #backoff()} and {@link #timeout()} (each overridden by
 * {@code async-task.tasks.<name>.retries|backoff|timeout}), and which exceptions are retried
 * ({@link #retryOn()}, {@link #noRetryOn()}). Durations are read at startup: one that cannot be parsed fails startup
 * naming the bean and the method.
 * <p>
 * Threading: runs on a task worker thread (or the caller's thread in {@code inline} mode and under
 * {@code caller-runs}); one worker runs one task at a time, so a handler that blocks holds its worker (with
 * {@code virtual-threads: true}, each task runs on its own virtual thread instead). A timed-out attempt's thread is
 * interrupted: a handler that blocks should let {@link InterruptedException} end it.
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

	/**
	 * How many times a failed (or timed-out) attempt is tried again; 0 (the default) runs the handler once. The task
	 * ends {@code FAILED} with the last attempt's error once none remain, earlier errors attached as suppressed.
	 */
	int retries() default 0;

	/**
	 * The delay before the first retry, as a duration ({@code "100ms"}, {@code "2s"}, {@code "PT1M"}); it doubles
	 * for each further attempt, with +-25% jitter, up to {@code async-task.max-backoff}. A retry waits on a timer,
	 * not on a worker.
	 */
	String backoff() default "100ms";

	/**
	 * The longest an attempt may run, as a duration ({@code "5s"}); empty (the default) for no limit. Past it the
	 * attempt ends {@code TIMED_OUT} (retried while retries remain) and its thread is interrupted.
	 */
	String timeout() default "";

	/**
	 * Retry only when the error is an instance of one of these types; empty (the default): any {@link Exception}.
	 * An {@link Error} is never retried unless listed here.
	 */
	Class<? extends Throwable>[] retryOn() default {};

	/** Never retry when the error is an instance of one of these types; wins over {@link #retryOn()}. */
	Class<? extends Throwable>[] noRetryOn() default {};

}
