package io.github.asynctask.benchmarks.report;

import java.util.List;
import java.util.stream.Collectors;

import io.github.asynctask.benchmarks.report.Report.GoalCheck;
import io.github.asynctask.benchmarks.report.Report.Ratio;
import io.github.asynctask.benchmarks.report.Report.Row;
import io.github.asynctask.benchmarks.report.Report.ScenarioResults;

/** The markdown report: ratio table, targets, raw figures. */
final class Markdown {

	private Markdown() {
	}

	static String render(List<ScenarioResults> scenarios, Machine machine) {
		StringBuilder md = new StringBuilder();
		md.append("# async-task benchmark results\n\n");
		md.append("Machine: ").append(machine.summary()).append(".  \n");
		md.append("Load average when the report was written: ").append(machine.load()).append(".");
		if (!machine.note().isBlank()) {
			md.append("  \nNote: ").append(machine.note());
		}
		md.append("\n\n## Summary\n\n");
		md.append(summary(scenarios));
		md.append("\n## Ratios\n\n");
		md.append("Above 1 = async-task is better (more tasks/s, or less time, or fewer bytes), same run, same machine.\n\n");
		md.append("| Scenario | async-task | vs | metric | async-task | baseline | ratio |\n");
		md.append("|---|---|---|---|---|---|---:|\n");
		for (ScenarioResults scenario : scenarios) {
			for (Ratio ratio : scenario.ratios()) {
				md.append("| ").append(scenario.label())
					.append(" | ").append(ratio.subject().method())
					.append(" | ").append(ratio.baseline().method())
					.append(" | ").append(metricName(ratio.metric(), ratio.subject()))
					.append(" | ").append(Units.value(ratio.subject().value(ratio.metric()), ratio.subject().unit()))
					.append(" | ").append(Units.value(ratio.baseline().value(ratio.metric()), ratio.baseline().unit()))
					.append(" | **").append(Units.ratio(ratio.value())).append("** |\n");
			}
		}
		List<GoalCheck> goals = scenarios.stream().flatMap((s) -> s.goals().stream()).toList();
		if (!goals.isEmpty()) {
			md.append("\n## Targets (issue 4)\n\n| Scenario | target | actual | met |\n|---|---|---|---|\n");
			for (GoalCheck goal : goals) {
				md.append("| ").append(goal.scenario().scenario().id())
					.append(" | ").append(goal.target())
					.append(" | ").append(goal.actual())
					.append(" | ").append(goal.met() ? "yes" : "**no**: " + goal.miss())
					.append(" |\n");
			}
		}
		md.append("\n## Raw figures\n\n");
		md.append("| Scenario | benchmark | mode | score | error (99.9%) | p50 | p99 | p99.9 | unit |\n");
		md.append("|---|---|---|---:|---:|---:|---:|---:|---|\n");
		for (ScenarioResults scenario : scenarios) {
			for (Row row : scenario.rows()) {
				md.append("| ").append(scenario.label())
					.append(" | ").append(row.method())
					.append(" | ").append(row.mode())
					.append(" | ").append(Units.number(row.score()))
					.append(" | ").append(Double.isNaN(row.error()) ? "" : Units.number(row.error()))
					.append(" | ").append(percentile(row, "50.0"))
					.append(" | ").append(percentile(row, "99.0"))
					.append(" | ").append(percentile(row, "99.9"))
					.append(" | ").append(row.unit())
					.append(" |\n");
			}
		}
		md.append("\nJMH parameters: ").append(scenarios.stream()
			.map((s) -> s.scenario().id() + ": " + s.params())
			.distinct()
			.collect(Collectors.joining("; "))).append("\n");
		return md.toString();
	}

	/** One row per scenario: async-task's figure and its ratio to each baseline (above 1 = async-task better). */
	static String summary(List<ScenarioResults> scenarios) {
		List<String> baselines = scenarios.stream()
			.flatMap((s) -> s.baselines().stream().map(Row::method))
			.distinct()
			.toList();
		StringBuilder md = new StringBuilder("| Scenario | async-task |");
		baselines.forEach((b) -> md.append(" vs ").append(baselineName(b)).append(" |"));
		md.append("\n|---|---|");
		baselines.forEach((b) -> md.append("---|"));
		md.append("\n");
		for (ScenarioResults scenario : scenarios) {
			Row subject = scenario.headline();
			if (subject == null) {
				continue;
			}
			md.append("| ").append(scenario.label()).append(" | ");
			md.append(scenario.metrics()
				.stream()
				.map((m) -> prefix(m) + Units.value(subject.value(m), subject.unit()))
				.collect(Collectors.joining(", ")));
			md.append(" |");
			for (String baseline : baselines) {
				List<Ratio> ratios = scenario.ratios()
					.stream()
					.filter((r) -> r.subject() == subject && r.baseline().method().equals(baseline))
					.toList();
				md.append(" ").append(ratios.stream()
					.map((r) -> prefix(r.metric()) + "**" + Units.ratio(r.value()) + "** ("
							+ Units.value(r.baseline().value(r.metric()), r.baseline().unit()) + ")")
					.collect(Collectors.joining(", "))).append(" |");
			}
			md.append("\n");
		}
		md.append("\nRatio above 1 = async-task better (more tasks/s, or less time, or fewer bytes); "
				+ "the baseline's own figure in parentheses.\n");
		return md.toString();
	}

	private static String prefix(String metric) {
		return metric.equals("score") ? "" : Units.metricLabel(metric).trim() + " ";
	}

	private static String baselineName(String method) {
		return switch (method) {
			case "threadPoolExecutor" -> "ThreadPoolExecutor + CompletableFuture";
			case "springAsync" -> "Spring @Async";
			default -> method;
		};
	}

	private static String metricName(String metric, Row row) {
		if (metric.equals("score")) {
			return switch (row.mode()) {
				case "thrpt" -> "throughput";
				case "avgt" -> "mean time";
				case "sample" -> "mean";
				default -> row.unit();
			};
		}
		return Units.metricLabel(metric).trim();
	}

	private static String percentile(Row row, String key) {
		if (!row.mode().equals("sample")) {
			return "";
		}
		Double value = row.percentiles().get(key);
		return (value != null) ? Units.number(value) : "";
	}

}
