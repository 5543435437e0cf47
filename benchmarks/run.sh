#!/usr/bin/env bash
# Builds and runs the whole async-task benchmark suite, then writes
#   benchmarks/results/latest.json  all results (JMH's JSON format)
#   benchmarks/results/latest.md    ratio table, targets, raw figures
#   benchmarks/results/latest.svg   ratio chart
# About 8-10 minutes on 2 cores. Usage:
#   benchmarks/run.sh                 full suite (builds async-task and the benchmarks first)
#   benchmarks/run.sh --quick         smoke test, 1 short iteration each; report in benchmarks/target/quick
#   benchmarks/run.sh [JMH options]   e.g. -p workers=4, -f 2, -prof jfr (passed to org.openjdk.jmh.Main)
# Environment:
#   BENCH_INCLUDE=regex  run only the matching benchmarks (default: all), e.g. 'Throughput|RoundTrip'
#   SKIP_CORE_BUILD=1   use the async-task snapshot installed in ~/.m2 instead of building it with the suite
#   SKIP_FOOTPRINT=1    skip scenario 6 (heap per queued task)
#   BENCH_NOTE="..."    a note printed in the report (e.g. "machine shared with other jobs")
#   JAVA_HOME           the JDK to build and run with
set -euo pipefail
started=$SECONDS

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

jmh_args=()
report_dir="$here/results"
if [[ "${1:-}" == "--quick" ]]; then
	shift
	jmh_args=(-f 1 -wi 1 -w 200ms -i 1 -r 200ms)
	report_dir="$here/target/quick"
fi
jmh_args+=("$@")

echo "== Building the benchmarks"
if [[ "${SKIP_CORE_BUILD:-0}" == "1" ]]; then
	(cd "$root" && ./mvnw -B -q -Pbenchmarks -pl benchmarks package -DskipTests)
else
	(cd "$root" && ./mvnw -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests)
fi

cp="$here/target/benchmarks.jar:$here/target/lib/*"
work="$here/target/results"
mkdir -p "$work" "$report_dir"
rm -f "$work"/*.json

java_version="$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
if [[ "${java_version%%.*}" -lt 21 ]]; then
	echo "== NOTICE: Java $java_version: scenario 8 (virtual threads) needs Java 21+ and is skipped; run with JAVA_HOME set to a Java 21+ JDK"
	jmh_args+=(-e 'VirtualThreadsBenchmark')
fi

echo "== JMH: scenarios 1-5 and 7-9"
"$java" -cp "$cp" org.openjdk.jmh.Main -rf json -rff "$work/jmh.json" ${jmh_args[@]+"${jmh_args[@]}"} \
	"io\\.github\\.asynctask\\.benchmarks\\..*(${BENCH_INCLUDE:-Benchmark}).*"
results=("$work/jmh.json")

if [[ "${SKIP_FOOTPRINT:-0}" != "1" ]]; then
	echo "== Scenario 6: heap per queued task"
	"$java" -cp "$cp" io.github.asynctask.benchmarks.QueuedTaskFootprint "$work/footprint.json"
	results+=("$work/footprint.json")
fi

echo "== Report"
"$java" -cp "$cp" io.github.asynctask.benchmarks.report.Report "$report_dir" "${results[@]}"
echo "== Done in $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s"
