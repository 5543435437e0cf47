package io.github.asynctask.actuate;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the {@code asynctask} endpoint shows and does of a transport that spans nodes (redis mode): its description
 * and its dead letters. Implemented over Redis by the Redis transport's auto-configuration, so that this package
 * needs no Redis class.
 * <p>
 * Threading: called on the endpoint's request threads, concurrently; each call talks to the transport's store and
 * may block for its round trips.
 */
public interface AsyncTaskCluster {

	/** The cluster as the endpoint's {@code redis} part shows it (serialized to JSON as it is). */
	Object describe();

	/**
	 * The dead letters of a task name, oldest first.
	 * @param task the task name
	 * @param limit how many at most
	 * @return each dead letter (serialized to JSON as it is)
	 */
	List<?> deadLetters(String task, int limit);

	/**
	 * Puts dead letters back on their task stream, with a fresh delivery count.
	 * @param task the task name
	 * @param ids the dead letters' ids, or {@code null} for all of them
	 * @return how many were put back
	 */
	long redrive(String task, @Nullable List<String> ids);

	/**
	 * Drops dead letters.
	 * @param task the task name
	 * @param ids the dead letters' ids, or {@code null} for all of them
	 * @return how many were dropped
	 */
	long delete(String task, @Nullable List<String> ids);

	/**
	 * Whether the store is reachable now; for the health indicator.
	 * @return {@code null} when it is, else what went wrong
	 */
	@Nullable String problem();

}
