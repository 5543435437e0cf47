package io.github.asynctask.benchmarks.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a main class of the benchmark module in a JVM of its own (the same JDK and class path), for the main-class
 * harnesses that measure each configuration in a fresh JVM.
 */
public final class ChildJvm {

	private ChildJvm() {
	}

	/**
	 * Runs {@code mainClass} and waits for it.
	 * @param mainClass the class whose {@code main} runs
	 * @param jvmArguments options of the JVM, e.g. {@code -Xmx1g}
	 * @param arguments the arguments of {@code main}
	 * @return its output lines (standard output and error, interleaved)
	 * @throws IllegalStateException with its output if it exits with a status other than 0
	 */
	public static List<String> run(Class<?> mainClass, List<String> jvmArguments, String... arguments)
			throws IOException, InterruptedException {
		String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
		List<String> command = new ArrayList<>();
		command.add(java);
		command.addAll(jvmArguments);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		List<String> output = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				output.add(line);
			}
		}
		int exit = process.waitFor();
		if (exit != 0) {
			throw new IllegalStateException(mainClass.getSimpleName() + " " + String.join(" ", arguments)
					+ " exited with " + exit + ":\n" + String.join("\n", output));
		}
		return output;
	}

}
