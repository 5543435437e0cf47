package io.github.asynctask.benchmarks.support;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** JMH state: a {@link SpringAsyncSystem} of {@code workers} threads, started once per trial. */
@State(Scope.Benchmark)
public class SpringAsyncState {

	@Param("2")
	public int workers;

	public SpringAsyncSystem system;

	@Setup(Level.Trial)
	public void start() {
		this.system = SpringAsyncSystem.start(this.workers);
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.system.close();
	}

}
