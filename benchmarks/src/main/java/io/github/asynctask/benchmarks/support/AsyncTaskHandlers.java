package io.github.asynctask.benchmarks.support;

import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;

/**
 * The handlers of the async-task side: each does exactly what its baseline counterpart does
 * ({@link ThreadPoolSystem}, {@link SpringAsyncSystem.AsyncService}).
 */
public class AsyncTaskHandlers {

	@OnTask
	public Noop noop(Noop task) {
		return task;
	}

	@OnFinish
	public void noopFinished(Noop result) {
		result.batch().finished();
	}

	@OnTask
	public Sleep sleep(Sleep task) throws InterruptedException {
		Thread.sleep(task.millis());
		return task;
	}

	@OnFinish
	public void sleepFinished(Sleep result) {
		result.batch().finished();
	}

	@OnTask
	public void block(Block block) {
		block.hold();
	}

}
