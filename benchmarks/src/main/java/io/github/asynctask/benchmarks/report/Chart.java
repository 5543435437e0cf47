package io.github.asynctask.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.asynctask.benchmarks.report.Report.Ratio;
import io.github.asynctask.benchmarks.report.Report.ScenarioResults;

/**
 * The ratio chart as a self-contained SVG: one bar per (scenario, async-task variant, baseline, metric) on a
 * log2 axis centred on 1x; right and green = async-task better, left and red = worse.
 */
final class Chart {

	private static final int WIDTH = 980;

	private static final int LABEL_WIDTH = 470;

	private static final int BAR_AREA = WIDTH - LABEL_WIDTH - 70;

	private static final int ROW = 22;

	private static final int HEADER = 26;

	private static final double MAX_LOG2 = 4;

	private Chart() {
	}

	static String render(List<ScenarioResults> scenarios, Machine machine) {
		List<String> body = new ArrayList<>();
		int y = 78;
		double centre = LABEL_WIDTH + BAR_AREA / 2.0;
		for (ScenarioResults scenario : scenarios) {
			List<Ratio> ratios = scenario.ratios();
			if (ratios.isEmpty()) {
				continue;
			}
			body.add(text(10, y + 16, scenario.label(), "font-weight:bold"));
			y += HEADER;
			for (Ratio ratio : ratios) {
				String label = ratio.subject().method() + " vs " + ratio.baseline().method()
						+ Units.metricLabel(ratio.metric());
				body.add(text(24, y + 15, label, ""));
				double log = Math.max(-MAX_LOG2, Math.min(MAX_LOG2, Math.log(ratio.value()) / Math.log(2)));
				double length = Math.abs(log) / MAX_LOG2 * (BAR_AREA / 2.0);
				boolean better = ratio.value() >= 1;
				double x = better ? centre : centre - length;
				body.add(String.format(Locale.ROOT,
						"<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", x, y + 3,
						Math.max(length, 1), ROW - 6, better ? "#2e7d32" : "#c62828"));
				double textX = better ? centre + length + 4 : centre - length - 4;
				body.add(String.format(Locale.ROOT,
						"<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>", textX, y + 15,
						better ? "start" : "end", Units.ratio(ratio.value())));
				y += ROW;
			}
			y += 6;
		}
		int height = y + 40;
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
						+ "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n",
				WIDTH, height, WIDTH, height));
		svg.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
		svg.append(text(10, 22, "async-task vs baselines: ratio, above 1x = async-task better (log scale)",
				"font-size:16px;font-weight:bold")).append('\n');
		svg.append(text(10, 42, machine.summary(), "fill:#555")).append('\n');
		svg.append(text(10, 58, "ThreadPoolExecutor + CompletableFuture and Spring @Async, same JMH run, same worker count",
				"fill:#555")).append('\n');
		// axis: gridlines at 1/16 .. 16
		for (int p = (int) -MAX_LOG2; p <= MAX_LOG2; p++) {
			double x = centre + p / MAX_LOG2 * (BAR_AREA / 2.0);
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%.1f\" y1=\"70\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"/>%n", x, x,
					y, p == 0 ? "#000" : "#ddd", p == 0 ? "1.5" : "1"));
			String tick = (p >= 0) ? (1 << p) + "x" : "1/" + (1 << -p) + "x";
			svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>%n",
					x, y + 16, tick));
		}
		body.forEach((line) -> svg.append(line).append('\n'));
		svg.append("</svg>\n");
		return svg.toString();
	}

	private static String text(int x, int y, String content, String style) {
		return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\"%s>%s</text>", x, y,
				style.isEmpty() ? "" : " style=\"" + style + "\"", escape(content));
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

}
