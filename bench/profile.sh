#!/usr/bin/env bash
# Where Tessera's request path spends CPU: the gateway benchmark's setup (nginx upstream, a bench
# tenant, a free model), wrk at 32 connections, and async-profiler (from Maven Central) attached for
# the measured part. Writes bench/work/profile/{cpu.collapsed,top.txt,wrk.txt}; not a result.
#
#   bench/profile.sh                       # 20 s warm-up, 20 s profiled
#   EVENT=alloc bench/profile.sh           # allocation profile instead of CPU
#   PRICED=1 CONNS=1 EVENT=wall bench/profile.sh   # where one priced call waits (hold, settle)
#
# Knobs: WARMUP, DURATION (s), CONNS (32), WARMUP_CONNS (CONNS), EVENT (cpu | itimer | alloc | lock; cpu falls back to
# itimer where perf events are not allowed; wall samples waiting threads too), BODY (the request),
# MODEL (bench-model), PRICED (1: a priced model on the same upstream, credits granted, as
# bench/gateway.sh's tessera-priced).
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$BENCH")"
WARMUP="${WARMUP:-20}"
DURATION="${DURATION:-20}"
CONNS="${CONNS:-32}"
WARMUP_CONNS="${WARMUP_CONNS:-$CONNS}"
EVENT="${EVENT:-cpu}"
PRICED="${PRICED:-0}"
[[ "$PRICED" == 1 ]] && MODEL="${MODEL:-bench-priced}" || MODEL="${MODEL:-bench-model}"
DEFAULT_BODY='{"model":"'"$MODEL"'",'"$([[ "$PRICED" == 1 ]] && echo '"max_tokens":256,' || true)"'"messages":[{"role":"user","content":"hi"}]}'
BODY="${BODY:-$DEFAULT_BODY}"
RUN="$BENCH/work/run-profile"
OUT="$BENCH/work/profile"
LOG="$RUN/bench.log"
AP_VERSION=4.1

# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

for t in wrk curl jq java python3 unzip; do command -v "$t" >/dev/null || die "$t is missing (bench/gateway.sh installs wrk, nginx)"; done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x "$NGINX" ]] || die "nginx is missing (bench/gateway.sh installs it)"

AP_JAR="$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar"
[[ -f "$AP_JAR" ]] || mvn -q -B dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VERSION" >/dev/null
AP_DIR="$BENCH/work/async-profiler-$AP_VERSION"
[[ -f "$AP_DIR/linux-x64/libasyncProfiler.so" ]] || (mkdir -p "$AP_DIR" && cd "$AP_DIR" && unzip -q -o "$AP_JAR")
AP_LIB="$AP_DIR/linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')/libasyncProfiler.so"
[[ -f "$AP_LIB" ]] || die "no async-profiler library for $(uname -m)"

rm -rf "$RUN"
mkdir -p "$RUN" "$OUT"
: >"$LOG"
copy_runtime
start_upstream
start_tessera
bench_tenant
if [[ "$PRICED" == 1 ]]; then
  admin POST /api/v1/models "{\"name\":\"$MODEL\",\"providerId\":\"$P1\",\"upstreamName\":\"gpt-4o-mini\",\"tier\":1,\"inputPricePerMillion\":150000,\"outputPricePerMillion\":600000,\"contextWindow\":128000}" >/dev/null
  admin POST "/api/v1/tenants/$TENANT/credits" '{"type":"GRANT","amount":1000000000000000,"reason":"bench"}' >/dev/null
fi

TV="$TS/v1/chat/completions"
say "warm-up ${WARMUP}s at $WARMUP_CONNS connections"
BENCH_HEADERS="Authorization: Bearer $KEY" BENCH_BODY="$BODY" \
  wrk -t"$((WARMUP_CONNS < 2 ? 1 : 2))" -c"$WARMUP_CONNS" -d"${WARMUP}s" --timeout 10s -s "$BENCH/post.lua" "$TV" >/dev/null

# the options quoted, or jcmd reads "a,b=c" as its own name=value argument
agent() { jcmd "$TS_PID" JVMTI.agent_load "$AP_LIB" "\"$1\"" >>"$LOG" 2>&1; }
rm -f "$OUT/cpu.collapsed"
agent "start,event=$EVENT,interval=1ms"
say "profiling ${DURATION}s ($EVENT)"
out=$(BENCH_HEADERS="Authorization: Bearer $KEY" BENCH_BODY="$BODY" \
  wrk -t"$((CONNS < 2 ? 1 : 2))" -c"$CONNS" -d"${DURATION}s" --timeout 10s --latency -s "$BENCH/post.lua" "$TV" 2>&1)
agent "stop,file=$OUT/cpu.collapsed,collapsed"
grep '^BENCH ' <<<"$out" | tee "$OUT/wrk.txt" >&2

# the heaviest frames, self and total, over all samples
python3 - "$OUT/cpu.collapsed" >"$OUT/top.txt" <<'EOF_PY'
import sys, collections
self_, total, n = collections.Counter(), collections.Counter(), 0
for line in open(sys.argv[1]):
    stack, _, count = line.rstrip().rpartition(' ')
    c = int(count); n += c
    frames = stack.split(';')
    self_[frames[-1]] += c
    for f in set(frames): total[f] += c
print(f"samples: {n}")
print("\n== self")
for f, c in self_.most_common(60): print(f"{100*c/n:6.2f}% {f}")
print("\n== total")
for f, c in total.most_common(150): print(f"{100*c/n:6.2f}% {f}")
EOF_PY
say "profile in $OUT (top.txt, cpu.collapsed)"
