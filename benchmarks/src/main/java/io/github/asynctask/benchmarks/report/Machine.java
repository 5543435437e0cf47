package io.github.asynctask.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import tools.jackson.databind.JsonNode;

/** Where and when the results were produced. */
record Machine(int cpus, String cpuModel, String os, String jdk, String jmh, String date, String load, String note) {

	static Machine describe(JsonNode results) {
		JsonNode first = null;
		String jmh = "";
		for (JsonNode result : results.values()) {
			if (first == null && result.has("jdkVersion")) {
				first = result;
			}
			if (result.has("jmhVersion")) {
				jmh = "JMH " + result.get("jmhVersion").asString();
			}
		}
		String jdk = (first != null)
				? first.get("jdkVersion").asString() + " (" + first.path("vmName").asString("") + " "
						+ first.path("vmVersion").asString("") + ")"
				: System.getProperty("java.version");
		String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
				+ System.getProperty("os.arch");
		String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
		String note = System.getenv().getOrDefault("BENCH_NOTE", "");
		return new Machine(Runtime.getRuntime().availableProcessors(), readCpuModel(), os, jdk, jmh, date,
				firstLine("/proc/loadavg"), note);
	}

	private static String readCpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown CPU");
		}
		catch (IOException ex) {
			return "unknown CPU";
		}
	}

	private static String firstLine(String file) {
		try {
			String content = Files.readString(Path.of(file)).trim();
			String[] parts = content.split("\\s+");
			return (parts.length >= 3) ? parts[0] + " " + parts[1] + " " + parts[2] : content;
		}
		catch (IOException ex) {
			return "n/a";
		}
	}

	String summary() {
		return this.cpus + " CPUs (" + this.cpuModel + "), " + this.os + "; JDK " + this.jdk
				+ (this.jmh.isEmpty() ? "" : "; " + this.jmh) + "; " + this.date;
	}

}
