package io.github.asynctask.benchmarks;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes one scenario of the suite for the report. Convention: in the annotated class, benchmark methods
 * whose name starts with {@code asyncTask} measure async-task (the subjects); every other method is a
 * baseline, and the report gives the ratio of each subject to each baseline (above 1 = async-task better).
 * A new mode (virtual threads, Redis) adds a class with its own {@code @Scenario} and nothing else changes.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Scenario {

	/** Short id, the sort key of the report ("1", "2", "7b" ...). */
	String id();

	/** One line: what is measured. */
	String title();

	/**
	 * For sample-time benchmarks, the percentiles to compare (JMH keys: "50.0", "99.0", "99.9"); empty compares
	 * the score (mean).
	 */
	String[] percentiles() default {};

	/** The targets of issue 4 that apply, checked by the report. */
	Goal[] goals() default {};

	/** A target: either a minimum ratio against a baseline or a maximum absolute value of a subject. */
	@Documented
	@Retention(RetentionPolicy.RUNTIME)
	@Target({})
	@interface Goal {

		/** The subject method; empty = the first subject. */
		String subject() default "";

		/** The baseline method for a ratio goal; empty for an absolute goal. */
		String baseline() default "";

		/** "score" or a percentile key such as "99.0". */
		String metric() default "score";

		/** Ratio goal: subject / baseline (oriented so that above 1 = async-task better) at least this. */
		double minRatio() default 0;

		/** Absolute goal: subject's value at most this, in {@link #unit()}. */
		double maxValue() default 0;

		/** Unit of {@link #maxValue()}: "ns", "us", "ms", "s" or the benchmark's own unit. */
		String unit() default "";

	}

}
