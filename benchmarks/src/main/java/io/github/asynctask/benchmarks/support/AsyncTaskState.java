package io.github.asynctask.benchmarks.support;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH state: an {@link AsyncTaskSystem} with {@code workers} task workers, started once per trial. A benchmark
 * that needs further properties uses a subclass that overrides {@link #properties()}.
 */
@State(Scope.Benchmark)
public class AsyncTaskState {

	@Param("2")
	public int workers;

	public AsyncTaskSystem system;

	@Setup(Level.Trial)
	public void start() {
		this.system = AsyncTaskSystem.start(this.workers, sources(), properties());
	}

	/** Further configuration classes of the application; none by default. */
	protected Class<?>[] sources() {
		return new Class<?>[0];
	}

	/** Further {@code key=value} properties of the application; none by default. */
	protected String[] properties() {
		return new String[0];
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.system.close();
	}

}
