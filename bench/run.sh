#!/usr/bin/env bash
# Runs the benchmarks and writes BENCHMARKS.md. Not part of CI (timing on a shared machine is noise
# for a pass/fail gate); run it on a quiet machine:  bench/run.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -q -B -DskipTests -Dspotless.check.skip=true -pl bench -am package
java -jar bench/target/benchmarks.jar PlannerBench -rf json -rff bench/target/jmh-planner.json
java -cp bench/target/benchmarks.jar dev.failover.bench.StormEconomy 1000 2>/dev/null | tail -1 > bench/target/storm.json
python3 bench/report.py bench/target/jmh-planner.json bench/target/storm.json > BENCHMARKS.md
echo "wrote BENCHMARKS.md"
