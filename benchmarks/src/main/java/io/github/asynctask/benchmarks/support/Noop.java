package io.github.asynctask.benchmarks.support;

/**
 * The no-op task: its handler returns it unchanged and its finish counts it in its {@link Batch}. One instance
 * is shared by a whole batch, so no side allocates a payload per task.
 *
 * @param batch where finishes are counted
 */
public record Noop(Batch batch) {

}
