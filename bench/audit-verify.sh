#!/usr/bin/env bash
# Audit verify benchmark: one tenant's chain of ENTRIES (1,000,000) audit entries, appended through
# tessera_meta.audit_append as the application does, then POST /audit/verify, which walks the chain
# in Tessera's JVM and rebuilds every hash. Reports the verify time and the JVM's heap while it ran
# (sampled from /metrics every 200 ms). Appends to bench/RESULTS.md. Loopback only.
#
#   bench/audit-verify.sh                 # 1,000,000 entries
#   ENTRIES=100000 bench/audit-verify.sh  # quick run
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$BENCH")"
ENTRIES="${ENTRIES:-1000000}"
LOAD_MAX="${LOAD_MAX:-1.0}"
LOAD_WAIT="${LOAD_WAIT:-600}"
RESULTS="${RESULTS:-$BENCH/RESULTS.md}"
RUN="$BENCH/work/audit"
LOG="$RUN/bench.log"

# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

for t in curl jq java mvn; do command -v "$t" >/dev/null || die "$t is missing"; done
rm -rf "$RUN"
mkdir -p "$RUN"
: >"$LOG"
copy_runtime
PGV=$(sed -n 's:.*<postgresql.version>\(.*\)</postgresql.version>.*:\1:p' "$ROOT/pom.xml")
PGJAR="$HOME/.m2/repository/org/postgresql/postgresql/$PGV/postgresql-$PGV.jar"
[[ -f "$PGJAR" ]] || mvn -q -B dependency:get -Dartifact="org.postgresql:postgresql:$PGV" >/dev/null
load_gate

DB_PORT=$(free_port)
start_tessera TESSERA_DB_EMBEDDED_PORT="$DB_PORT" TESSERA_DB_APP_PASSWORD=bench-app TESSERA_AUDIT_CHECKPOINT_INTERVAL=PT1H
T=$(admin POST /api/v1/tenants '{"slug":"audit-bench","name":"Audit bench","tier":"STANDARD"}' | jq -r .id)
URL="jdbc:postgresql://127.0.0.1:$DB_PORT/tessera"
say "appending $ENTRIES entries"
FILL=$(java -cp "$PGJAR" "$BENCH/AuditFill.java" "$URL" bench-app "$T" "$ENTRIES" 2>>"$LOG" | tail -1)
say "$FILL"
admin POST "/api/v1/tenants/$T/audit/checkpoints" '' >/dev/null

# MicroProfile Metrics 5 names it memory_usedHeap_bytes{mp_scope="base"} (older: base_memory_usedHeap_bytes)
heap() { curl -s "$TS/metrics" | awk '/^(base_)?memory_usedHeap_bytes/{print $NF}' | head -1; }
HEAP_BEFORE=$(heap)
PEAK=0
( while :; do h=$(heap); echo "$h"; sleep 0.2; done ) >"$RUN/heap.txt" &
SAMPLER=$!
PIDS+=("$SAMPLER")
START=$(date +%s.%N)
VERIFY=$(admin POST "/api/v1/tenants/$T/audit/verify" '')
END=$(date +%s.%N)
stop "$SAMPLER"
PEAK=$(sort -g "$RUN/heap.txt" | tail -1)
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
stop "$TS_PID"
say "verify: $VERIFY"
SECS=$(awk -v a="$START" -v b="$END" 'BEGIN{printf "%.2f", b-a}')
{
  echo
  echo "## Audit verify $(date '+%F %T %Z')"
  echo
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/Mem:/{print $2}') GiB."
  echo "Load average (1/5/15 min): first seen $LOAD_FIRST; at the start $LOAD_BEFORE (waited ${waited}s); after the run $LOAD_AFTER."
  echo "Tessera: $WAR_INFO, -Xmx1g, embedded PostgreSQL."
  echo
  echo "- Chain: $ENTRIES entries of one tenant, appended through \`tessera_meta.audit_append\` as tessera_app ($FILL)."
  echo "- \`POST /audit/verify\`: ${SECS} s end to end; answer: \`$(jq -c '{intact,entriesChecked,millis,lastCheckpointSeq}' <<<"$VERIFY")\`."
  echo "- JVM heap used: $(awk -v b="$HEAP_BEFORE" 'BEGIN{printf "%.0f", b/1048576}') MiB before, peak $(awk -v p="$PEAK" 'BEGIN{printf "%.0f", p/1048576}') MiB while verifying (sampled every 200 ms; rows are streamed 2,000 at a time, nothing is kept per entry)."
} | tee -a "$RESULTS"
say "appended to $RESULTS; logs in $RUN"
