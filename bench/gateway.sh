#!/usr/bin/env bash
# Gateway benchmark: a fixed-response upstream (nginx), Portkey's open-source gateway and Tessera,
# measured with wrk in one run, plus streaming time to first token. Appends to bench/RESULTS.md.
# Everything listens on 127.0.0.1 only; every process started here is stopped on exit.
#
#   bench/gateway.sh                 # full run (~12 minutes after the load gate)
#   DURATION=5 WARM_MIN=10 WARM_MAX=10 bench/gateway.sh   # quick smoke run
#
# Both gateways are warmed up until their throughput stops rising (lib.sh: warm_plateau), Tessera
# also until its JIT compiler is quiet: a JVM on two cores needs minutes of traffic to compile its
# hot path, and measured earlier it shares the machine with its own compiler; Node needs seconds.
#
# Knobs (environment): DURATION (s per wrk run, 15), WARM_MIN / WARM_MAX / WARM_TOLERANCE (warm-up
# in 10 s windows at 32 connections: at least 150 s (Portkey 60 s), at most 240 s (Tessera 480 s),
# until a window is within 5 % of the one before and, for Tessera, at most WARM_JIT (0.5) s of it
# was spent compiling; streams the same way, at least WARM_STREAM_MIN (30) s, Portkey's 20 s),
# THREADS_32 (wrk threads at 32 connections, 2),
# TTFT_N / TTFT_WARMUP (sequential streaming requests measured / discarded, 500 / 200),
# LOAD_MAX (1-minute load average the run waits for, 1.0), LOAD_WAIT (s to wait at most, 600),
# RESULTS (file to append to, bench/RESULTS.md),
# TELEMETRY (off | metrics | tracing, default metrics: as shipped; "off" sets TESSERA_METRICS_ENABLED=false;
# "tracing" adds OpenTelemetry tracing sampled at SAMPLING (0.1), exported over OTLP to a loopback sink).
# The issue-13 budget: metrics cost <= 5 % of Tessera's req/s against off, tracing at 10 % <= 10 %:
#   for t in off metrics tracing; do TELEMETRY=$t bench/gateway.sh; done   # then compare the tessera rows
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$BENCH")"
DURATION="${DURATION:-15}"
THREADS_32="${THREADS_32:-2}"
TTFT_N="${TTFT_N:-500}"
TTFT_WARMUP="${TTFT_WARMUP:-200}"
LOAD_MAX="${LOAD_MAX:-1.0}"
LOAD_WAIT="${LOAD_WAIT:-600}"
RESULTS="${RESULTS:-$BENCH/RESULTS.md}"
TELEMETRY="${TELEMETRY:-metrics}"
SAMPLING="${SAMPLING:-0.1}"
RUN="$BENCH/work/run"
LOG="$RUN/bench.log"

# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

# ---------------------------------------------------------------- tools
need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need_apt+=(nginx-light)
if ((${#need_apt[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for t in curl jq node npm java python3; do command -v "$t" >/dev/null || die "$t is missing"; done

rm -rf "$RUN"
mkdir -p "$RUN"
: >"$LOG"

copy_runtime

# Portkey's gateway as `npx @portkey-ai/gateway` gets it, except @hono/node-server held at 1.13.5:
# the version its own lockfile and patches target; with later versions streamed answers (and, past
# 1.14.2, all answers) fail with "TypeError: immutable" (Portkey-AI/gateway#1389).
PK_DIR="$BENCH/work/portkey"
if [[ ! -f "$PK_DIR/node_modules/@portkey-ai/gateway/build/start-server.js" ]] ||
  [[ "$(jq -r .version "$PK_DIR/node_modules/@hono/node-server/package.json" 2>/dev/null)" != 1.13.5 ]]; then
  say "installing @portkey-ai/gateway"
  mkdir -p "$PK_DIR"
  cat >"$PK_DIR/package.json" <<'EOF_PKG'
{ "name": "portkey-bench", "private": true,
  "dependencies": { "@portkey-ai/gateway": "^1.15.2" },
  "overrides": { "@hono/node-server": "1.13.5" } }
EOF_PKG
  (cd "$PK_DIR" && npm install --no-audit --no-fund >"$RUN/npm.log" 2>&1) || die "npm install: $(tail -5 "$RUN/npm.log")"
fi
PORTKEY_VERSION=$(jq -r .version "$PK_DIR/node_modules/@portkey-ai/gateway/package.json")
HONO_VERSION=$(jq -r .version "$PK_DIR/node_modules/@hono/node-server/package.json")

# ---------------------------------------------------------------- load gate
load_gate

# ---------------------------------------------------------------- upstream: nginx
start_upstream

# ---------------------------------------------------------------- measuring
BODY_UP='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'
BODY_UP_STREAM='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true}'
declare -A R # R[target,conns]="rps p50 p90 p99 max requests non2xx errors"
declare -A T # T[target]=ttft json

run_wrk() { # name url headers body conns threads duration -> stores R, echoes the BENCH line
  local name="$1" url="$2" headers="$3" body="$4" conns="$5" threads="$6" dur="$7" out line jit=""
  [[ -z "${JIT_PID:-}" ]] || jit=$(jit_seconds "$JIT_PID")
  out=$(BENCH_HEADERS="$headers" BENCH_BODY="$body" \
    wrk -t"$threads" -c"$conns" -d"${dur}s" --timeout 10s --latency -s "$BENCH/post.lua" "$url" 2>&1)
  # the measured JVM's compile time during the run, in the log only: a run with much of it was
  # measured against the JIT
  [[ -z "$jit" ]] || jit=" (JIT $(awk -v a="$(jit_seconds "$JIT_PID")" -v b="$jit" 'BEGIN{printf "%.1f", a-b}') s during it)"
  echo "== $name c=$conns t=$threads d=${dur}s" >>"$RUN/wrk.log"
  echo "$out" >>"$RUN/wrk.log"
  line=$(grep '^BENCH ' <<<"$out" || true)
  [[ -n "$line" ]] || die "wrk printed no result for $name: $out"
  R["$name,$conns"]="$line"
  say "$name c=$conns: $line$jit"
}

measure() { # name url headers body
  run_wrk "$1" "$2" "$3" "$4" 1 1 "$DURATION"
  run_wrk "$1" "$2" "$3" "$4" 32 "$THREADS_32" "$DURATION"
}

ttft() { # name url headers-json body
  local out jit=""
  [[ -z "${JIT_PID:-}" ]] || jit=$(jit_seconds "$JIT_PID")
  out=$(node "$BENCH/ttft.mjs" "$2" "$3" "$4" "$TTFT_N" "$TTFT_WARMUP" 2>&1) || die "ttft $1: $out"
  T["$1"]="$out"
  [[ -z "$jit" ]] || jit=" (JIT $(awk -v a="$(jit_seconds "$JIT_PID")" -v b="$jit" 'BEGIN{printf "%.1f", a-b}') s during it)"
  say "$1 ttft: $out$jit"
}

check_200() { # name url body curl-args...
  local name="$1" url="$2" body="$3"
  shift 3
  local code
  code=$(curl -s -o "$RUN/check-$name.out" -w '%{http_code}' --max-time 10 "$@" \
    -H 'Content-Type: application/json' -d "$body" "$url" || true)
  [[ "$code" == 200 ]] || die "$name answered $code: $(head -c 400 "$RUN/check-$name.out")"
}

check_200 direct "$UP/v1/chat/completions" "$BODY_UP" -H 'Authorization: Bearer x'
run_wrk direct-warmup "$UP/v1/chat/completions" 'Authorization: Bearer x' "$BODY_UP" 8 1 3 >/dev/null
measure direct "$UP/v1/chat/completions" 'Authorization: Bearer x' "$BODY_UP"
ttft direct "$UP/stream/v1/chat/completions" '{"authorization":"Bearer x"}' "$BODY_UP_STREAM"

# ---------------------------------------------------------------- Portkey
PK_PORT=$(free_port)
(cd "$PK_DIR" && NODE_ENV=production TRUSTED_CUSTOM_HOSTS=127.0.0.1 \
  exec node --import "$BENCH/loopback.mjs" node_modules/@portkey-ai/gateway/build/start-server.js \
  --port="$PK_PORT" --headless >"$RUN/portkey.log" 2>&1) &
PK_PID=$!
PIDS+=("$PK_PID")
wait_http "http://127.0.0.1:$PK_PORT/" 200 30 "$PK_PID" || die "Portkey did not start: $(tail -5 "$RUN/portkey.log")"
ss -ltnp 2>/dev/null | grep -q "127.0.0.1:$PK_PORT " || die "Portkey is not bound to 127.0.0.1 only"
say "Portkey $PORTKEY_VERSION on 127.0.0.1:$PK_PORT"
PK_HEADERS="Authorization: Bearer x|x-portkey-provider: openai|x-portkey-custom-host: $UP/v1"
PK_STREAM_HEADERS="Authorization: Bearer x|x-portkey-provider: openai|x-portkey-custom-host: $UP/stream/v1"
PK="http://127.0.0.1:$PK_PORT/v1/chat/completions"
check_200 portkey "$PK" "$BODY_UP" -H 'Authorization: Bearer x' -H 'x-portkey-provider: openai' \
  -H "x-portkey-custom-host: $UP/v1"
warm_plateau "$PK" "$PK_HEADERS" "$BODY_UP" 60
PK_WARM="$WARM_CURVE"
# its streams warmed too, as Tessera's are below
warm_plateau "$PK" "$PK_STREAM_HEADERS" "$BODY_UP_STREAM" 20
PK_STREAM_WARM="$WARM_CURVE"
measure portkey "$PK" "$PK_HEADERS" "$BODY_UP"
ttft portkey "$PK" "{\"authorization\":\"Bearer x\",\"x-portkey-provider\":\"openai\",\"x-portkey-custom-host\":\"$UP/stream/v1\"}" \
  "$BODY_UP_STREAM"
stop "$PK_PID"

# ---------------------------------------------------------------- Tessera
case "$TELEMETRY" in
  off) TS_ENV=(TESSERA_METRICS_ENABLED=false OTEL_SDK_DISABLED=true) ;;
  metrics) TS_ENV=(TESSERA_METRICS_ENABLED=true OTEL_SDK_DISABLED=true) ;;
  tracing)
    # an OTLP/HTTP sink on loopback that accepts every export, so exporting costs what it costs
    SINK_PORT=$(free_port)
    python3 -c 'import http.server as h,sys
class S(h.BaseHTTPRequestHandler):
  def do_POST(self):
    self.rfile.read(int(self.headers.get("Content-Length") or 0)); self.send_response(200); self.end_headers()
  def log_message(self,*a): pass
h.ThreadingHTTPServer(("127.0.0.1",int(sys.argv[1])),S).serve_forever()' "$SINK_PORT" >"$RUN/otlp-sink.log" 2>&1 &
    PIDS+=("$!")
    TS_ENV=(TESSERA_METRICS_ENABLED=true OTEL_SDK_DISABLED=false OTEL_TRACES_EXPORTER=otlp
      OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT"
      OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG="$SAMPLING"
      OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none OTEL_SERVICE_NAME=tessera-bench) ;;
  *) die "TELEMETRY must be off, metrics or tracing" ;;
esac
start_tessera "${TS_ENV[@]}"
JIT_PID="$TS_PID"
bench_tenant
BODY_TS='{"model":"bench-model","messages":[{"role":"user","content":"hi"}]}'
BODY_TS_STREAM='{"model":"bench-stream","messages":[{"role":"user","content":"hi"}],"stream":true}'
TV="$TS/v1/chat/completions"
check_200 tessera "$TV" "$BODY_TS" -H "Authorization: Bearer $KEY"
check_200 tessera-stream "$TV" "$BODY_TS_STREAM" -H "Authorization: Bearer $KEY"
grep -q 'data: \[DONE\]' "$RUN/check-tessera-stream.out" || die "Tessera stream has no [DONE]"
warm_plateau "$TV" "Authorization: Bearer $KEY" "$BODY_TS" "${WARM_MIN:-150}" "$TS_PID"
TS_WARM="$WARM_CURVE"
# the streaming path's own code (the line reader, the relay, the chunk encoding) warmed like the rest:
# after 1,000 sequential streams it still ran half-compiled (TTFT 2.2-2.5 ms on the 2-core AMD host),
# after ~100,000 streams at 32 connections 0.9-1.0 ms (bench/RESULTS.md, notes of 2026-12-07 22:00)
warm_plateau "$TV" "Authorization: Bearer $KEY" "$BODY_TS_STREAM" "${WARM_STREAM_MIN:-30}" "$TS_PID"
TS_STREAM_WARM="$WARM_CURVE"
measure tessera "$TV" "Authorization: Bearer $KEY" "$BODY_TS"
ttft tessera "$TV" "{\"authorization\":\"Bearer $KEY\"}" "$BODY_TS_STREAM"
# the same upstream as a priced model: every call holds its worst case and settles (two commits)
admin POST /api/v1/models "{\"name\":\"bench-priced\",\"providerId\":\"$P1\",\"upstreamName\":\"gpt-4o-mini\",\"tier\":1,\"inputPricePerMillion\":150000,\"outputPricePerMillion\":600000,\"contextWindow\":128000}" >/dev/null
admin POST "/api/v1/tenants/$TENANT/credits" '{"type":"GRANT","amount":1000000000000000,"reason":"bench"}' >/dev/null
BODY_TS_PRICED='{"model":"bench-priced","max_tokens":256,"messages":[{"role":"user","content":"hi"}]}'
check_200 tessera-priced "$TV" "$BODY_TS_PRICED" -H "Authorization: Bearer $KEY"
# its own code (holds, settles, group commit) compiled too: at least 20 s, until the JIT is quiet again
warm_plateau "$TV" "Authorization: Bearer $KEY" "$BODY_TS_PRICED" 20 "$TS_PID"
TS_PRICED_WARM="$WARM_CURVE"
measure tessera-priced "$TV" "Authorization: Bearer $KEY" "$BODY_TS_PRICED"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
stop "$TS_PID"

# ---------------------------------------------------------------- report
f() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<<"${R[$1]}"; }           # field of a wrk line
ms() { awk -v u="$1" 'BEGIN{printf "%.2f", u/1000}'; }                  # µs -> ms
j() { jq -r ".$2" <<<"${T[$1]}"; }                                      # field of a ttft line
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
verdict() { [[ "$1" == 1 ]] && echo "**met**" || echo "**not met**"; }

row() { # target conns
  local k="$1,$2"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(f "$k" rps)" "$(ms "$(f "$k" p50)")" \
    "$(ms "$(f "$k" p90)")" "$(ms "$(f "$k" p99)")" "$(f "$k" requests)" \
    "$(($(f "$k" non2xx) + $(f "$k" connect) + $(f "$k" read) + $(f "$k" write) + $(f "$k" timeout)))"
}

TS_RPS=$(f tessera,32 rps); PK_RPS=$(f portkey,32 rps)
TS_P99=$(f tessera,32 p99); PK_P99=$(f portkey,32 p99)
TS_P50_1=$(f tessera,1 p50)
X=$(ratio "$TS_RPS" "$PK_RPS")
ok1=$(awk -v x="$X" 'BEGIN{print (x>=2)?1:0}')
ok2=$(awk -v a="$TS_P99" -v b="$PK_P99" 'BEGIN{print (a<=b)?1:0}')
ok3=$(awk -v a="$TS_P50_1" 'BEGIN{print (a<=1000)?1:0}')
D_TTFT=$(j direct ttft_p50); TS_TTFT=$(j tessera ttft_p50); PK_TTFT=$(j portkey ttft_p50)
ADD=$(awk -v a="$TS_TTFT" -v b="$D_TTFT" 'BEGIN{printf "%.2f", a-b}')
ADD99=$(awk -v a="$(j tessera ttft_p99)" -v b="$(j direct ttft_p99)" 'BEGIN{printf "%.2f", a-b}')
PK_ADD=$(awk -v a="$PK_TTFT" -v b="$D_TTFT" 'BEGIN{printf "%.2f", a-b}')
ok4=$(awk -v a="$ADD" 'BEGIN{print (a<=1)?1:0}')
# the priced path (issue 14): at 32 connections as the free one, one connection p50 <= 1.5 ms
PR_RPS=$(f tessera-priced,32 rps); PR_P99=$(f tessera-priced,32 p99); PR_P50_1=$(f tessera-priced,1 p50)
PX=$(ratio "$PR_RPS" "$PK_RPS")
ok5=$(awk -v x="$PX" 'BEGIN{print (x>=2)?1:0}')
ok6=$(awk -v a="$PR_P99" -v b="$PK_P99" 'BEGIN{print (a<=b)?1:0}')
ok7=$(awk -v a="$PR_P50_1" 'BEGIN{print (a<=1500)?1:0}')

{
  echo
  echo "## $(date '+%F %T %Z')"
  echo
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)."
  echo '```'
  free -g
  echo '```'
  echo "Load average (1/5/15 min): first seen $LOAD_FIRST; at the start $LOAD_BEFORE (waited ${waited}s); after the run $LOAD_AFTER."
  echo "Tessera: $WAR_INFO. Portkey gateway $PORTKEY_VERSION (@hono/node-server $HONO_VERSION, Node $(node --version), one process, NODE_ENV=production). nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), 1 worker. wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}')."
  echo "wrk: ${DURATION}s per run, 1 connection (-t1) and 32 connections (-t$THREADS_32). Latencies in ms. Warm-up at 32 connections until the throughput stops rising (Tessera: and its JIT compiler spends at most ${WARM_JIT:-0.5} s of a window) — Portkey: $PK_WARM, its streams: $PK_STREAM_WARM; Tessera: $TS_WARM, its streams: $TS_STREAM_WARM; the priced model before it is measured: $TS_PRICED_WARM."
  echo
  echo "Telemetry: $TELEMETRY$([[ "$TELEMETRY" == tracing ]] && echo " (sampling $SAMPLING, OTLP to a loopback sink)") — compare the tessera rows of runs with TELEMETRY=off, metrics, tracing."
  echo
  echo "tessera: a free model (its usage recorded off the request path); tessera-priced: the same upstream as a priced model (admitted in memory on a credit lease, its charge written after: one commit per call or per batch; V54)."
  echo
  echo "| target | conns | req/s | p50 | p90 | p99 | requests | errors |"
  echo "|---|---|---|---|---|---|---|---|"
  for t in direct portkey tessera tessera-priced; do row "$t" 1; row "$t" 32; done
  echo
  echo "Streaming, $TTFT_N sequential requests on one connection after $TTFT_WARMUP discarded (ms; TTFT = first \`data:\` event received):"
  echo
  echo "| target | TTFT p50 | TTFT p90 | TTFT p99 | whole stream p50 | TTFT p50 added to direct |"
  echo "|---|---|---|---|---|---|"
  for t in direct portkey tessera; do
    printf '| %s | %s | %s | %s | %s | %s |\n' "$t" "$(j "$t" ttft_p50)" "$(j "$t" ttft_p90)" "$(j "$t" ttft_p99)" \
      "$(j "$t" total_p50)" "$(awk -v a="$(j "$t" ttft_p50)" -v b="$D_TTFT" 'BEGIN{printf "%.2f", a-b}')"
  done
  echo
  echo "Targets:"
  echo "- 32 connections, Tessera ≥ 2× Portkey's req/s: $(verdict "$ok1") (${X}×: $TS_RPS vs $PK_RPS)."
  echo "- 32 connections, Tessera p99 ≤ Portkey's: $(verdict "$ok2") ($(ms "$TS_P99") ms vs $(ms "$PK_P99") ms)."
  echo "- 1 connection, Tessera p50 ≤ 1 ms: $(verdict "$ok3") ($(ms "$TS_P50_1") ms)."
  echo "- Streaming adds ≤ 1 ms to TTFT (issue 14): $(verdict "$ok4") (+$ADD ms at p50, +$ADD99 ms at p99; Portkey adds +$PK_ADD ms at p50)."
  echo "- Priced, 32 connections, ≥ 2× Portkey's req/s: $(verdict "$ok5") (${PX}×: $PR_RPS vs $PK_RPS)."
  echo "- Priced, 32 connections, p99 ≤ Portkey's: $(verdict "$ok6") ($(ms "$PR_P99") ms vs $(ms "$PK_P99") ms)."
  echo "- Priced, 1 connection, p50 ≤ 1.5 ms: $(verdict "$ok7") ($(ms "$PR_P50_1") ms)."
} | tee -a "$RESULTS"
say "appended to $RESULTS; logs in $RUN"
