#!/usr/bin/env bash
# Runs every benchmark and writes BENCHMARKS.md (about 13 minutes). Not part of CI (timing on a
# shared machine is noise for a pass/fail gate); run it on a quiet machine:  bench/run.sh
# Needs what CI needs: JDK 17, Maven, the Google Cloud SDK's Firestore emulator.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -q -B -DskipTests -Dspotless.check.skip=true -pl bench,functions -am install
mvn -q -B -pl functions dependency:copy \
  -Dartifact=com.google.cloud.functions.invoker:java-function-invoker:1.4.3 -DoutputDirectory=target/invoker
out=bench/target
(cd "$out" && rm -f empty-function.jar && jar cf empty-function.jar -C classes dev/failover/bench/EmptyFunction.class)
jvm="-XX:TieredStopAtLevel=1"   # what terraform sets in JAVA_TOOL_OPTIONS
java -jar "$out/benchmarks.jar" PlannerBench -rf json -rff "$out/jmh-planner.json"
java -cp "$out/benchmarks.jar" dev.failover.bench.StormEconomy 1000 10 2>/dev/null | tail -1 > "$out/storm.json"
java -cp "$out/benchmarks.jar" dev.failover.bench.WarmLatency 1000 2>/dev/null | tail -1 > "$out/warm.json"
java -Dbench.jvmOptions="$jvm" -cp "$out/benchmarks.jar" dev.failover.bench.ProcessBench \
  functions/target/invoker/java-function-invoker-1.4.3.jar functions/target/failover-functions.jar \
  "$out/empty-function.jar" 7 2>/dev/null | tail -1 > "$out/process.json"
java -cp "$out/benchmarks.jar" dev.failover.bench.DistinctStorm 1000 60 1 2>/dev/null | tail -1 > "$out/distinct-1.json"
java -cp "$out/benchmarks.jar" dev.failover.bench.DistinctStorm 1000 60 8 2>/dev/null | tail -1 > "$out/distinct-8.json"
java -cp "$out/benchmarks.jar" dev.failover.bench.GeographyModel > "$out/geography.json"
python3 bench/report.py "$out/jmh-planner.json" "$out/storm.json" "$out/warm.json" "$out/process.json" \
  "$out/distinct-1.json" "$out/distinct-8.json" "$out/geography.json" > BENCHMARKS.md
echo "wrote BENCHMARKS.md"
