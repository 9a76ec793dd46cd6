#!/usr/bin/env bash
# Safety microbenchmark: what the default safety policy (PII recognizers + injection detector, no
# model-based checks) adds to one chat call, in-process, without JMH. Prints p50/p90/p99 per
# request; record results by hand in bench/RESULTS.md with machine and date.
#
#   bench/safety.sh            # 200,000 requests per case
#   bench/safety.sh 20000      # quick run
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
mvn -q -B -pl modules/governance -am test-compile -DskipTests >/dev/null
mvn -q -B -pl modules/governance dependency:build-classpath -Dmdep.outputFile=target/safety-bench.cp -Dmdep.includeScope=test >/dev/null
CP="modules/governance/target/classes:modules/governance/target/test-classes:$(cat modules/governance/target/safety-bench.cp)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), java $(java -version 2>&1 | head -1)"
java -cp "$CP" dev.tessera.governance.internal.safety.SafetyPathBench "${1:-200000}"
