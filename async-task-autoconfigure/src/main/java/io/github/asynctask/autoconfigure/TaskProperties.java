package io.github.asynctask.autoconfigure;

import java.time.Duration;

import io.github.asynctask.handler.ExecutionSettings;
import org.jspecify.annotations.Nullable;

/**
 * Configuration of one task name, {@code async-task.tasks.<name>.*}: overrides what its {@code @OnTask} says. A
 * property left unset keeps the annotation's value.
 */
public class TaskProperties {

	/**
	 * Number of times a failed or timed-out attempt is tried again. Overrides the retries of the task's @OnTask.
	 */
	private @Nullable Integer retries;

	/**
	 * Delay before the first retry; it doubles per attempt, with +-25% jitter, up to max-backoff. Overrides the
	 * backoff of the task's @OnTask.
	 */
	private @Nullable Duration backoff;

	/**
	 * Longest time an attempt may run before it ends TIMED_OUT and its thread is interrupted; 0 for no limit.
	 * Overrides the timeout of the task's @OnTask.
	 */
	private @Nullable Duration timeout;

	/**
	 * Most tasks of this name running at once on this node; further ones wait without holding a worker.
	 */
	private @Nullable Integer maxConcurrency;

	public @Nullable Integer getRetries() {
		return this.retries;
	}

	public void setRetries(@Nullable Integer retries) {
		this.retries = retries;
	}

	public @Nullable Duration getBackoff() {
		return this.backoff;
	}

	public void setBackoff(@Nullable Duration backoff) {
		this.backoff = backoff;
	}

	public @Nullable Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(@Nullable Duration timeout) {
		this.timeout = timeout;
	}

	public @Nullable Integer getMaxConcurrency() {
		return this.maxConcurrency;
	}

	public void setMaxConcurrency(@Nullable Integer maxConcurrency) {
		this.maxConcurrency = maxConcurrency;
	}

	/**
	 * The overrides these properties describe, checked.
	 * @param prefix the properties' prefix, e.g. {@code async-task.tasks.SendEmail}, for the error messages
	 * @throws IllegalArgumentException naming the key, the value and what is allowed
	 */
	ExecutionSettings.Overrides toOverrides(String prefix) {
		check(this.retries == null || this.retries >= 0, prefix + ".retries", this.retries, "must be 0 or more",
				"Set how many times a failed attempt is tried again, e.g. 3");
		check(this.backoff == null || !this.backoff.isNegative(), prefix + ".backoff", this.backoff,
				"must not be negative", "Set the delay before the first retry, e.g. 500ms");
		check(this.timeout == null || !this.timeout.isNegative(), prefix + ".timeout", this.timeout,
				"must not be negative", "Set the longest an attempt may run, e.g. 30s, or 0 for no limit");
		check(this.maxConcurrency == null || this.maxConcurrency >= 1, prefix + ".max-concurrency",
				this.maxConcurrency, "must be at least 1",
				"Set how many of these tasks may run at once, e.g. 2, or remove it for no limit");
		return new ExecutionSettings.Overrides(this.retries, this.backoff, this.timeout, this.maxConcurrency);
	}

	private static void check(boolean valid, String key, @Nullable Object value, String problem, String fix) {
		if (!valid) {
			throw new IllegalArgumentException(key + " " + problem + ", but was " + value + ". " + fix + ".");
		}
	}

}
