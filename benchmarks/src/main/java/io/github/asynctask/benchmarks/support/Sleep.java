package io.github.asynctask.benchmarks.support;

/**
 * An I/O-like task: its handler blocks for {@code millis}, then returns it; its finish counts it.
 *
 * @param batch where finishes are counted
 * @param millis how long the handler blocks
 */
public record Sleep(Batch batch, long millis) {

}
