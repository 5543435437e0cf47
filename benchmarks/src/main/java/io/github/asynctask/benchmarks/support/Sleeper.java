package io.github.asynctask.benchmarks.support;

final class Sleeper {

	private Sleeper() {
	}

	static void sleepMillis(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
