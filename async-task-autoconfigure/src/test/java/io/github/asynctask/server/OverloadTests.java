package io.github.asynctask.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Overload: one million tasks dispatched as fast as one thread can into bounded queues with {@code when-full: block}
 * all run exactly once, in a JVM of 256 MB of heap (forked, so that the limit is real): the producer is held back
 * instead of the heap filling up.
 */
class OverloadTests {

	@Test
	void aMillionTasksIntoBoundedQueuesRunExactlyOnceInA256MbHeap(@TempDir Path dir) throws Exception {
		String java = ProcessHandle.current().info().command().orElse("java");
		Path out = dir.resolve("overload.txt");
		Process process = new ProcessBuilder(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp",
				System.getProperty("java.class.path"), OverloadMain.class.getName(), String.valueOf(OverloadMain.TASKS))
			.redirectErrorStream(true)
			.redirectOutput(out.toFile())
			.start();
		boolean ended = process.waitFor(5, TimeUnit.MINUTES);
		if (!ended) {
			process.destroyForcibly();
		}
		String output = Files.readString(out, StandardCharsets.UTF_8);
		assertThat(ended).as("forked JVM ended; output:%n%s", output).isTrue();
		assertThat(process.exitValue()).as("exit value; output:%n%s", output).isZero();
		assertThat(output).contains("dispatched=1000000 ran=1000000 distinct=1000000 finished=1000000");
	}

}
