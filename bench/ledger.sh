#!/usr/bin/env bash
# Ledger benchmark: reserve + settle, exactly as the gateway runs them, against Tessera's embedded
# PostgreSQL with durability on (synchronous_commit and fsync as shipped: printed in the results),
# in three modes (lease: admitted in memory on a lease, only the charge written, V54) and per-op (hold the worst case, commit; settle, commit; each statement enters the
# tenant itself: the gateway with TESSERA_BILLING_GROUP_COMMIT=false) and group (the gateway's group
# commit: Tessera's GroupCommit and LedgerApply from the WAR's billing jar, one billing_apply
# transaction for all of a tenant's operations that arrived during the previous one).
# Tessera itself starts the database and applies the migrations; bench/LedgerBench.java drives it.
# Appends to bench/RESULTS.md. Loopback only; every process started here is stopped on exit.
#
#   bench/ledger.sh                       # full run (~2 minutes after the load gate)
#   DURATION=5 WARMUP=2 bench/ledger.sh   # quick smoke run
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$BENCH")"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
LOAD_MAX="${LOAD_MAX:-1.0}"
LOAD_WAIT="${LOAD_WAIT:-600}"
RESULTS="${RESULTS:-$BENCH/RESULTS.md}"
RUN="$BENCH/work/ledger"
LOG="$RUN/bench.log"

# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

for t in curl jq java python3 mvn; do command -v "$t" >/dev/null || die "$t is missing"; done
rm -rf "$RUN"
mkdir -p "$RUN"
: >"$LOG"
copy_runtime
PGV=$(sed -n 's:.*<postgresql.version>\(.*\)</postgresql.version>.*:\1:p' "$ROOT/pom.xml")
PGJAR="$HOME/.m2/repository/org/postgresql/postgresql/$PGV/postgresql-$PGV.jar"
[[ -f "$PGJAR" ]] || mvn -q -B dependency:get -Dartifact="org.postgresql:postgresql:$PGV" >/dev/null
# from the WAR: the billing jar (group commit, the ledger's SQL), the tenancy jar (request ids, as
# the gateway makes them), HikariCP and SLF4J (the ledger's pool, as the gateway's)
mkdir -p "$RUN/lib"
(cd "$RUN" && unzip -q -o -j tessera.war 'WEB-INF/lib/tessera-billing-*.jar' 'WEB-INF/lib/tessera-tenancy-*.jar' \
  'WEB-INF/lib/HikariCP-*.jar' 'WEB-INF/lib/slf4j-*.jar' -d lib)
CP="$RUN/classes:$PGJAR:$RUN/lib/*"
javac -nowarn -d "$RUN/classes" -cp "$PGJAR:$RUN/lib/*" "$BENCH/LedgerBench.java" || die "LedgerBench does not compile against the WAR's jars"
BENCH_MAIN=dev.tessera.billing.internal.LedgerBench
MAX_BATCH=$(java -cp "$CP" "$BENCH_MAIN" max-batch)
load_gate

DB_PORT=$(free_port)
start_tessera TESSERA_DB_EMBEDDED_PORT="$DB_PORT" TESSERA_DB_APP_PASSWORD=bench-app
TENANTS=()
for i in $(seq 1 16); do
  t=$(admin POST /api/v1/tenants "{\"slug\":\"ledger-$i\",\"name\":\"Ledger $i\",\"tier\":\"STANDARD\"}" | jq -r .id)
  admin POST "/api/v1/tenants/$t/credits" '{"type":"GRANT","amount":1000000000000,"reason":"bench"}' >/dev/null
  TENANTS+=("$t")
done
URL="jdbc:postgresql://127.0.0.1:$DB_PORT/tessera"

declare -A R
scenario() { # name mode threads tenants...
  local name="$1" mode="$2" threads="$3"
  shift 3
  say "scenario $name ($mode): $threads threads over $# tenants, ${DURATION}s after ${WARMUP}s warm-up"
  R[$name]=$(java -cp "$CP" "$BENCH_MAIN" "$mode" "$URL" tessera_app bench-app "$threads" "$DURATION" "$WARMUP" "$@" 2>>"$LOG" | tee -a "$LOG" | tail -1)
  say "${R[$name]}"
}
SETTINGS=$(java -cp "$CP" "$BENCH_MAIN" per-op "$URL" tessera_app bench-app 1 1 0 "${TENANTS[0]}" 2>>"$LOG" | grep '^#' | sed 's/^# //' | paste -sd, - | sed 's/,/, /g')
SCENARIOS=()
run_scenario() { SCENARIOS+=("$1"); scenario "$@"; }
for mode in per-op group lease; do
  run_scenario "one-thread/$mode" "$mode" 1 "${TENANTS[0]}"
  run_scenario "spread-8/$mode" "$mode" 8 "${TENANTS[@]:0:8}"
  run_scenario "spread-16/$mode" "$mode" 16 "${TENANTS[@]}"
  run_scenario "one-tenant-8/$mode" "$mode" 8 "${TENANTS[0]}"
  run_scenario "one-tenant-32/$mode" "$mode" 32 "${TENANTS[0]}"
  run_scenario "one-tenant-128/$mode" "$mode" 128 "${TENANTS[0]}"
  run_scenario "spread-128/$mode" "$mode" 128 "${TENANTS[@]}"
done
# PostgreSQL's CPU per operation, with the commit's fsync taken out (synchronous_commit off for
# these transactions only): pgbench, one connection, a hold and its settle per transaction,
# straight into the sealed writers as tessera_app. What is left is what batching cannot share.
CPU_COST="pgbench missing (Debian: apt-get install postgresql-client): skipped"
if command -v pgbench >/dev/null; then
  cat >"$RUN/hold-settle.sql" <<'SQL'
\set r random(1, 2000000000)
BEGIN;
SELECT set_config('app.tenant_id', :tenant, true);
SET LOCAL synchronous_commit = off;
SELECT outcome FROM tessera_meta.billing_reserve('cpu-' || :client_id || '-' || :r, 1000, NULL, NULL, 'bench', now() + interval '5 minutes', 'bench');
SELECT outcome FROM tessera_meta.billing_settle('cpu-' || :client_id || '-' || :r, 700, 'bench', 10, 10, 0, NULL, 'bench');
COMMIT;
SQL
  say "PostgreSQL CPU per hold and settle (pgbench, 1 connection, ${DURATION}s)"
  if out=$(PGPASSWORD=bench-app pgbench -h 127.0.0.1 -p "$DB_PORT" -U tessera_app -n -r -T "$DURATION" -c 1 \
    -D tenant="'${TENANTS[1]}'" -f "$RUN/hold-settle.sql" tessera 2>&1 | tee -a "$LOG") && [[ "$out" == *tps* ]]; then
    stmt() { awk -v k="$1" 'index($0, k) && $2 == 0 {print $1 * 1000; exit}' <<<"$out"; }
    CPU_COST="$(awk '/^tps/{printf "%d", $3}' <<<"$out") holds and settles/s on one connection; billing_reserve $(stmt billing_reserve) µs, billing_settle $(stmt billing_settle) µs, commit $(stmt COMMIT) µs"
  else
    CPU_COST="pgbench failed (see $LOG)"
  fi
  say "$CPU_COST"
  # the same in batches of SET_N, as group commit writes them: one billing_apply of SET_N holds,
  # then one of their SET_N settles (the set path, V52)
  SET_N="${SET_N:-48}"
  arr() { echo "array_fill($1, ARRAY[$SET_N])"; }
  ids="ARRAY(SELECT 'set-' || :client_id || '-' || :r || '-' || g FROM generate_series(1, $SET_N) g)"
  cat >"$RUN/batch.sql" <<SQL
\set r random(1, 2000000000)
BEGIN;
SELECT set_config('app.tenant_id', :tenant, true);
SET LOCAL synchronous_commit = off;
SELECT count(*) FROM tessera_meta.billing_apply($(arr "'reserve'::text"), $ids, $(arr 1000::bigint), $(arr NULL::uuid), $(arr NULL::text), $(arr "'bench'::text"), $(arr "now() + interval '5 minutes'"), $(arr "'bench'::text"), $(arr NULL::int), $(arr NULL::int), $(arr NULL::int), $(arr NULL::text), $(arr NULL::text)) WHERE err_state IS NULL;
COMMIT;
BEGIN;
SELECT set_config('app.tenant_id', :tenant, true);
SET LOCAL synchronous_commit = off;
SELECT count(*) FROM tessera_meta.billing_apply($(arr "'settle'::text"), $ids, $(arr 700::bigint), $(arr NULL::uuid), $(arr NULL::text), $(arr "'bench'::text"), $(arr NULL::timestamptz), $(arr "'bench'::text"), $(arr 10), $(arr 10), $(arr 0), $(arr NULL::text), $(arr NULL::text)) WHERE err_state IS NULL;
COMMIT;
SQL
  say "PostgreSQL CPU per hold and settle in batches of $SET_N (pgbench, 1 connection, ${DURATION}s)"
  if out=$(PGPASSWORD=bench-app pgbench -h 127.0.0.1 -p "$DB_PORT" -U tessera_app -n -r -T "$DURATION" -c 1 \
    -D tenant="'${TENANTS[2]}'" -f "$RUN/batch.sql" tessera 2>&1 | tee -a "$LOG") && [[ "$out" == *tps* ]]; then
    per_op() { awk -v k="'$1'::text" -v n="$SET_N" 'index($0, k) && $2 == 0 {printf "%d", $1 * 1000 / n; exit}' <<<"$out"; }
    CPU_COST="$CPU_COST. In batches of $SET_N: $(awk -v n="$SET_N" '/^tps/{printf "%d", $3 * n}' <<<"$out") holds and settles/s on one connection; per operation, hold $(per_op reserve) µs, settle $(per_op settle) µs"
  else
    CPU_COST="$CPU_COST. In batches: pgbench failed (see $LOG)"
  fi
  say "$CPU_COST"
fi
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
stop "$TS_PID"

f() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<<" ${R[$1]}"; }
BEST=0
for k in "${SCENARIOS[@]}"; do
  [[ "$k" == */group || "$k" == */lease ]] || continue
  BEST=$(awk -v a="$BEST" -v b="$(f "$k" settled_per_s)" 'BEGIN{print (b>a)?b:a}')
done
P99=$(f spread-8/lease p99_ms)
ok1=$(awk -v a="$BEST" 'BEGIN{print (a>=20000)?1:0}')
ok2=$(awk -v a="$P99" 'BEGIN{print (a<=2)?1:0}')
verdict() { [[ "$1" == 1 ]] && echo "**met**" || echo "**not met**"; }
{
  echo
  echo "## Ledger $(date '+%F %T %Z')"
  echo
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/Mem:/{print $2}') GiB."
  echo "Load average (1/5/15 min): first seen $LOAD_FIRST; at the start $LOAD_BEFORE (waited ${waited}s); after the run $LOAD_AFTER."
  echo "Tessera: $WAR_INFO. PostgreSQL: Tessera's embedded server ($SETTINGS)."
  echo "Each request: reserve then settle, from JDBC as tessera_app; per-op: two transactions (hold, commit; charge + release the rest, commit; each one billing_apply(tenant, …) call that enters the tenant itself, V53); group: both through Tessera's group commit (one billing_apply transaction per tenant for whatever arrived during the previous one, at most $MAX_BATCH, written as a set when it can be: V52); lease: the gateway for tenants with credit to spare (V54), admitted in memory against a lease taken up front, only the charge written, through the same group commit (one billing_lease_charge per tenant and batch, at most 256). Every write on a pool of 16 connections, as the gateway's ledger pool (TESSERA_DB_LEDGER_POOL_SIZE). ${DURATION}s measured after ${WARMUP}s warm-up. Latency = hold + settle, ms."
  echo
  echo "| scenario | mode | threads | tenants | settled/s | p50 | p90 | p99 | max | failures |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for k in "${SCENARIOS[@]}"; do
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "${k%/*}" "${k#*/}" "$(f "$k" threads)" "$(f "$k" tenants)" \
      "$(f "$k" settled_per_s)" "$(f "$k" p50_ms)" "$(f "$k" p90_ms)" "$(f "$k" p99_ms)" "$(f "$k" max_ms)" "$(f "$k" failures)"
  done
  echo
  echo "PostgreSQL CPU, fsync aside (pgbench, synchronous_commit off): $CPU_COST."
  echo
  echo "Targets:"
  echo "- ≥ 20,000 settled calls/s (issue 14, group commit or leases): $(verdict "$ok1") (best $BEST/s)."
  echo "- a call's ledger work adds ≤ 2 ms at p99 (lease, 8 threads over 8 tenants): $(verdict "$ok2") ($P99 ms)."
} | tee -a "$RESULTS"
say "appended to $RESULTS; logs in $RUN"
