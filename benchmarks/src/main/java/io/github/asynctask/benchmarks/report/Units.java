package io.github.asynctask.benchmarks.report;

import java.util.Locale;

/** Number and unit formatting for the report. */
final class Units {

	private Units() {
	}

	/** Nanoseconds in one of a time unit ("us/op", "ms", ...). */
	static double nanos(String unit) {
		String base = unit.replace("/op", "");
		return switch (base) {
			case "ns" -> 1;
			case "us" -> 1e3;
			case "ms" -> 1e6;
			case "s" -> 1e9;
			default -> throw new IllegalArgumentException("Not a time unit: " + unit);
		};
	}

	static String metricLabel(String metric) {
		if (metric.equals("score")) {
			return "";
		}
		double p = Double.parseDouble(metric);
		return " p" + ((p == Math.rint(p)) ? String.valueOf((long) p) : String.valueOf(p));
	}

	/** A value with its unit, short: "4.18 M tasks/s", "32.9 us", "160 B". */
	static String value(double value, String unit) {
		if (unit.equals("ops/s")) {
			if (value >= 1e6) {
				return String.format(Locale.ROOT, "%.2f M/s", value / 1e6);
			}
			return String.format(Locale.ROOT, "%.0f k/s", value / 1e3);
		}
		return number(value) + " " + unit.replace("/op", "");
	}

	/** Three significant digits, no exponent. */
	static String number(double value) {
		double abs = Math.abs(value);
		if (abs >= 100 || value == Math.rint(value)) {
			return String.format(Locale.ROOT, "%,.0f", value);
		}
		if (abs >= 10) {
			return String.format(Locale.ROOT, "%.1f", value);
		}
		return String.format(Locale.ROOT, "%.2f", value);
	}

	static String ratio(double ratio) {
		return String.format(Locale.ROOT, ratio >= 10 ? "%.0fx" : "%.2fx", ratio);
	}

}
