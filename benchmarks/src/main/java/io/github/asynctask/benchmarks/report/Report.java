package io.github.asynctask.benchmarks.report;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.github.asynctask.benchmarks.Scenario;
import io.github.asynctask.benchmarks.Scenario.Goal;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the suite's JSON results (JMH's format, any number of files) into {@code latest.json} (all results in
 * one JMH-format array), {@code latest.md} (ratio table, targets, raw figures) and {@code latest.svg} (the
 * ratio chart). Scenarios and their subjects and baselines come from {@link Scenario} on the benchmark classes,
 * so a new scenario needs no change here.
 * <p>
 * Usage: {@code Report <out-dir> <result.json>...}
 */
public final class Report {

	static final String SUBJECT_PREFIX = "asyncTask";

	private Report() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length < 2) {
			throw new IllegalArgumentException("Usage: Report <out-dir> <result.json>...");
		}
		Path out = Path.of(args[0]);
		Files.createDirectories(out);
		JsonMapper mapper = JsonMapper.builder().build();
		ArrayNode all = mapper.createArrayNode();
		for (int i = 1; i < args.length; i++) {
			JsonNode results = mapper.readTree(new File(args[i]));
			results.values().forEach(all::add);
		}
		// Sample-time histograms are large and the percentiles already summarise them: keep the file small.
		for (JsonNode result : all.values()) {
			JsonNode metric = result.path("primaryMetric");
			if (metric instanceof ObjectNode object) {
				object.remove("rawDataHistogram");
			}
		}
		mapper.writerWithDefaultPrettyPrinter().writeValue(out.resolve("latest.json").toFile(), all);
		List<Row> rows = new ArrayList<>();
		for (JsonNode result : all.values()) {
			rows.add(Row.of(result));
		}
		Machine machine = Machine.describe(all);
		List<ScenarioResults> scenarios = group(rows);
		String markdown = Markdown.render(scenarios, machine);
		Files.writeString(out.resolve("latest.md"), markdown, StandardCharsets.UTF_8);
		Files.writeString(out.resolve("latest.svg"), Chart.render(scenarios, machine), StandardCharsets.UTF_8);
		System.out.println(markdown);
		System.out.println("Wrote " + out.resolve("latest.json") + ", " + out.resolve("latest.md") + ", "
				+ out.resolve("latest.svg"));
	}

	static List<ScenarioResults> group(List<Row> rows) {
		Map<String, ScenarioResults> byKey = new LinkedHashMap<>();
		for (Row row : rows) {
			Scenario scenario = scenarioOf(row.className());
			String key = row.className() + row.params();
			byKey.computeIfAbsent(key, (k) -> new ScenarioResults(scenario, row.className(), row.params(), new ArrayList<>()))
				.rows()
				.add(row);
		}
		List<ScenarioResults> scenarios = new ArrayList<>(byKey.values());
		scenarios.sort(Comparator.comparing((ScenarioResults s) -> sortKey(s.scenario().id()))
			.thenComparing((s) -> s.params().toString()));
		return scenarios;
	}

	private static String sortKey(String id) {
		String digits = id.replaceAll("\\D.*", "");
		return String.format("%05d", digits.isEmpty() ? 99999 : Integer.parseInt(digits)) + id;
	}

	static Scenario scenarioOf(String className) {
		try {
			Scenario scenario = Class.forName(className).getAnnotation(Scenario.class);
			if (scenario != null) {
				return scenario;
			}
		}
		catch (ClassNotFoundException ex) {
			// fall through: results of a class no longer in the suite
		}
		String simpleName = className.substring(className.lastIndexOf('.') + 1);
		return Fallback.scenario(simpleName);
	}

	/** One benchmark result. */
	record Row(String className, String method, String mode, String unit, Map<String, String> params, double score,
			double error, Map<String, Double> percentiles) {

		static Row of(JsonNode result) {
			String benchmark = result.get("benchmark").asString();
			int dot = benchmark.lastIndexOf('.');
			Map<String, String> params = new TreeMap<>();
			JsonNode paramsNode = result.path("params");
			if (paramsNode.isObject()) {
				paramsNode.properties().forEach((e) -> params.put(e.getKey(), e.getValue().asString()));
			}
			JsonNode metric = result.get("primaryMetric");
			Map<String, Double> percentiles = new TreeMap<>(Comparator.comparingDouble(Double::parseDouble));
			JsonNode percentilesNode = metric.path("scorePercentiles");
			if (percentilesNode.isObject()) {
				percentilesNode.properties().forEach((e) -> percentiles.put(e.getKey(), e.getValue().asDouble()));
			}
			return new Row(benchmark.substring(0, dot), benchmark.substring(dot + 1), result.get("mode").asString(),
					metric.get("scoreUnit").asString(), params, metric.get("score").asDouble(),
					metric.path("scoreError").asDouble(Double.NaN), percentiles);
		}

		boolean subject() {
			return this.method.startsWith(SUBJECT_PREFIX);
		}

		boolean higherIsBetter() {
			return this.mode.equals("thrpt");
		}

		/** The value of "score" or of a percentile key. */
		double value(String metric) {
			if (metric.equals("score")) {
				return this.score;
			}
			Double value = this.percentiles.get(metric);
			if (value == null) {
				throw new IllegalStateException(this.method + " has no percentile " + metric);
			}
			return value;
		}

		/** How this row's unit converts to the given one (time units only; 1 otherwise). */
		double in(String metric, String targetUnit) {
			double value = value(metric);
			if (targetUnit.isEmpty() || targetUnit.equals(this.unit)) {
				return value;
			}
			return value * Units.nanos(this.unit) / Units.nanos(targetUnit);
		}

	}

	/** One scenario, with one parameter combination, and its rows. */
	record ScenarioResults(Scenario scenario, String className, Map<String, String> params, List<Row> rows) {

		List<String> metrics() {
			return (this.scenario.percentiles().length == 0) ? List.of("score")
					: Arrays.asList(this.scenario.percentiles());
		}

		List<Row> subjects() {
			return this.rows.stream().filter(Row::subject).toList();
		}

		/** Baselines, the plain JDK one first. */
		List<Row> baselines() {
			return this.rows.stream()
				.filter((r) -> !r.subject())
				.sorted(Comparator.comparing((Row r) -> !r.method().equals("threadPoolExecutor"))
					.thenComparing(Row::method))
				.toList();
		}

		/** The subject of the summary: the one a goal names, else the first. */
		Row headline() {
			for (Goal goal : this.scenario.goals()) {
				if (!goal.subject().isEmpty() && row(goal.subject()) != null) {
					return row(goal.subject());
				}
			}
			return subjects().stream().findFirst().orElse(null);
		}

		Row row(String method) {
			return this.rows.stream().filter((r) -> r.method().equals(method)).findFirst().orElse(null);
		}

		/** Ratios subject vs baseline, oriented so that above 1 means async-task is better. */
		List<Ratio> ratios() {
			List<Ratio> ratios = new ArrayList<>();
			for (Row subject : subjects()) {
				for (Row baseline : baselines()) {
					for (String metric : metrics()) {
						double s = subject.value(metric);
						double b = baseline.value(metric);
						double ratio = subject.higherIsBetter() ? s / b : b / s;
						ratios.add(new Ratio(this, subject, baseline, metric, ratio));
					}
				}
			}
			return ratios;
		}

		List<GoalCheck> goals() {
			List<GoalCheck> checks = new ArrayList<>();
			for (Goal goal : this.scenario.goals()) {
				Row subject = goal.subject().isEmpty() ? subjects().stream().findFirst().orElse(null)
						: row(goal.subject());
				if (subject == null) {
					continue;
				}
				if (!goal.baseline().isEmpty()) {
					Row baseline = row(goal.baseline());
					if (baseline == null) {
						continue;
					}
					double s = subject.value(goal.metric());
					double b = baseline.value(goal.metric());
					double ratio = subject.higherIsBetter() ? s / b : b / s;
					String target = String.format(Locale.ROOT, "%s%s >= %sx %s", subject.method(),
							Units.metricLabel(goal.metric()), Units.number(goal.minRatio()), baseline.method());
					String actual = String.format(Locale.ROOT, "%.2fx", ratio);
					String miss = (ratio >= goal.minRatio()) ? ""
							: String.format(Locale.ROOT, "missed by %.0f%% (needs %.2fx more)",
									(1 - ratio / goal.minRatio()) * 100, goal.minRatio() / ratio);
					checks.add(new GoalCheck(this, target, actual, ratio >= goal.minRatio(), miss));
				}
				else {
					double value = subject.in(goal.metric(), goal.unit());
					String unit = goal.unit().isEmpty() ? subject.unit() : goal.unit();
					String target = String.format(Locale.ROOT, "%s%s <= %s %s", subject.method(),
							Units.metricLabel(goal.metric()), Units.number(goal.maxValue()), unit);
					String actual = String.format(Locale.ROOT, "%s %s", Units.number(value), unit);
					String miss = (value <= goal.maxValue()) ? ""
							: String.format(Locale.ROOT, "missed by %s %s (%.0f%% over)",
									Units.number(value - goal.maxValue()), unit,
									(value / goal.maxValue() - 1) * 100);
					checks.add(new GoalCheck(this, target, actual, value <= goal.maxValue(), miss));
				}
			}
			return checks;
		}

		String label() {
			String params = this.params.isEmpty() ? ""
					: " (" + String.join(", ", this.params.entrySet().stream().map((e) -> e.getKey() + "=" + e.getValue()).toList()) + ")";
			return this.scenario.id() + ". " + this.scenario.title() + params;
		}

	}

	record Ratio(ScenarioResults scenario, Row subject, Row baseline, String metric, double value) {

	}

	record GoalCheck(ScenarioResults scenario, String target, String actual, boolean met, String miss) {

	}

	/** Scenario data for result classes without the annotation. */
	@Scenario(id = "?", title = "")
	static final class Fallback {

		static Scenario scenario(String simpleName) {
			Scenario template = Fallback.class.getAnnotation(Scenario.class);
			return new Scenario() {

				@Override
				public Class<? extends java.lang.annotation.Annotation> annotationType() {
					return Scenario.class;
				}

				@Override
				public String id() {
					return "?";
				}

				@Override
				public String title() {
					return simpleName;
				}

				@Override
				public String[] percentiles() {
					return template.percentiles();
				}

				@Override
				public Goal[] goals() {
					return template.goals();
				}

			};
		}

	}

}
