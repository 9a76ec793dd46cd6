#!/usr/bin/env bash
# What each cross-cutting feature costs on the gateway path, measured on a warmed-up JVM: Tessera
# started once per variant (a fresh database each time), warmed up until its throughput stops
# rising, then measured; the variants interleaved so that drift hits them alike, ROUNDS times.
# Each round is a complete comparison: a budget holds only if every round meets it.
#
#   bench/overhead.sh                     # 2 rounds (~45 minutes)
#   VARIANTS="shipped nodecisions" ROUNDS=3 bench/overhead.sh
#   VARIANTS="portkey shipped old" WARS_DIR=/tmp/wars bench/overhead.sh   # /tmp/wars/old.war
#
# Variants (everything not named as shipped: metrics on, tracing off, decision log on, the default
# safety policy):
#   shipped      as installed; on the same JVM the safety policy is then switched off and on in
#                turn (A B A B at 1 connection) to price the default policy (issue 10: <= 0.3 ms p50)
#   off          metrics off, tracing off          (issue 13: metrics <= 5 % of req/s against this)
#   tracing      metrics on, tracing sampled at SAMPLING, OTLP to a loopback sink (issue 13: <= 10 %)
#   switched     issue 13's budgets on ONE warmed-up JVM, started as "tracing": metrics and tracing
#                switched at run time (PUT /api/v1/telemetry) between wrk runs, three states (none,
#                metrics, both) in an order rotated each of SWITCH_CYCLES cycles, 5 s of settling
#                after each switch; costs on the means, and per cycle (each cycle's states were
#                measured within a minute of each other). Its warm-up is at least SWITCH_WARM_MIN
#                (300) s, then one unmeasured cycle, so each state's code is compiled before any
#                is measured (a JVM still warming would favour whichever state comes later).
#                Beside req/s it records CPU per request (the whole machine's busy time from
#                /proc/stat, and the JVM's): at 32 connections the two cores are saturated, so
#                req/s = capacity / CPU per request, and CPU per request does not count the
#                stretches when the host gives the cores to someone else (steal, idle)
#   nodecisions  TESSERA_DECISIONS_ENABLED=false   (issue 9: the log costs <= 10 %)
#   portkey      Portkey's open-source gateway on the same upstream (issue 14: Tessera >= 2x)
#   NAME         another build, WARS_DIR/NAME.war (e.g. before and after a change: issue 8 <= 5 %)
#
# Why warm up to a plateau: on a 2-core machine Tessera's JIT needs ~200,000 requests (2-3 minutes)
# to reach its steady state, with flat stretches on the way (hence the 150 s minimum); a fixed 30 s
# warm-up measures a half-compiled server (see RESULTS.md,
# 2026-12-05). Node's JIT settles within seconds, so a short warm-up flattered Portkey.
#
# Why "switched": fresh JVMs of one build differ by up to ±20 % at 32 connections on this kind of
# host, four times the metrics budget; one JVM with its JIT settled, switched back and forth, leaves
# only the drift of the minutes between its runs (the residue in "none": the SDK still builds a
# non-recording span for Payara's JAX-RS request, so that share of tracing's cost is not counted).
#
# Why several runs at 32 connections (SAMPLES): on 2 cores shared by wrk, nginx, Payara and
# PostgreSQL, back-to-back 10 s windows of one warmed-up JVM differ by up to ±10 %, more than the
# 5 % budgets; a budget is judged on the mean of SAMPLES runs per variant, and once more on all
# rounds pooled, with each variant's spread printed beside it.
#
# Knobs: VARIANTS, ROUNDS (2), SAMPLES (3 measured wrk runs at 32 connections), DURATION (s per measured wrk run at 32 connections, 15),
# DURATION_1 (at 1 connection, 10), WARM_MIN (150; Portkey 60) / WARM_MAX (240) s of warm-up in 10 s windows,
# stopping once a window is within WARM_TOLERANCE (5) % of the one before, PRICED_VARIANTS (the
# variants also measured on a priced model: all but portkey and switched), THREADS_32 (2), SAMPLING (0.1),
# SWITCH_CYCLES (4), SWITCH_WARM_MIN (300), SWITCH_SETTLE (5 s after each switch),
# WARS_DIR, LOAD_MAX (1.0), LOAD_WAIT (600), RESULTS (bench/RESULTS.md).
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$BENCH")"
VARIANTS="${VARIANTS:-portkey shipped off tracing nodecisions}"
ROUNDS="${ROUNDS:-2}"
DURATION="${DURATION:-15}"
SAMPLES="${SAMPLES:-3}"
DURATION_1="${DURATION_1:-10}"
WARM_MIN="${WARM_MIN:-150}"
WARM_MAX="${WARM_MAX:-240}"
WARM_TOLERANCE="${WARM_TOLERANCE:-5}"
PRICED_VARIANTS="${PRICED_VARIANTS:-${VARIANTS/switched/}}"
SWITCH_CYCLES="${SWITCH_CYCLES:-4}"
SWITCH_WARM_MIN="${SWITCH_WARM_MIN:-300}"
SWITCH_SETTLE="${SWITCH_SETTLE:-5}"
TICK_US=$((1000000 / $(getconf CLK_TCK)))
THREADS_32="${THREADS_32:-2}"
SAMPLING="${SAMPLING:-0.1}"
WARS_DIR="${WARS_DIR:-}"
LOAD_MAX="${LOAD_MAX:-1.0}"
LOAD_WAIT="${LOAD_WAIT:-600}"
RESULTS="${RESULTS:-$BENCH/RESULTS.md}"
RUN="$BENCH/work/overhead"
LOG="$RUN/bench.log"

# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

for t in wrk curl jq java python3; do command -v "$t" >/dev/null || die "$t is missing (bench/gateway.sh installs wrk)"; done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x "$NGINX" ]] || die "nginx is missing (bench/gateway.sh installs it)"
BUILDS=()
for v in $VARIANTS; do
  case "$v" in
    shipped | off | tracing | nodecisions | switched) ;;
    portkey) [[ -f "$BENCH/work/portkey/node_modules/@portkey-ai/gateway/build/start-server.js" ]] ||
      die "Portkey is not installed: run bench/gateway.sh once" ;;
    *) [[ -n "$WARS_DIR" && -f "$WARS_DIR/$v.war" ]] || die "unknown variant $v (no \$WARS_DIR/$v.war)"
      BUILDS+=("$v") ;;
  esac
done

rm -rf "$RUN"
mkdir -p "$RUN"
: >"$LOG"
copy_runtime
SHIPPED_WAR="$RUN/shipped.war"
mv "$RUN/tessera.war" "$SHIPPED_WAR"

load_gate
start_upstream

declare -A R # R[variant,round,model,conns]="BENCH line"
declare -A W # W[variant,round]="warm-up summary"
declare -A S # S[variant,round,model,32]="req/s of each of the SAMPLES runs"
declare -A E # E[key]=errors summed over its runs
declare -A C # C[state,round]="machine µs of CPU per request of each run", C[state,round,jvm]: the JVM's

wrk_line() { # headers url body conns threads seconds -> BENCH line
  BENCH_HEADERS="$1" BENCH_BODY="$3" wrk -t"$5" -c"$4" -d"$6s" --timeout 10s --latency -s "$BENCH/post.lua" "$2" 2>&1 |
    tee -a "$RUN/wrk.log" | grep '^BENCH ' || true
}

measure() { # key headers url body conns threads seconds
  local line
  line=$(wrk_line "$2" "$3" "$4" "$5" "$6" "$7")
  [[ -n "$line" ]] || die "wrk printed no result for $1"
  R["$1"]="$line"
  say "$1: $line"
}

rps_of() { sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$1"; }
errs_of() { sed -n 's/.* non2xx=\([0-9]*\) connect=\([0-9]*\) read=\([0-9]*\) write=\([0-9]*\) timeout=\([0-9]*\).*/\1 \2 \3 \4 \5/p' <<<"$1" | awk '{print $1+$2+$3+$4+$5}'; }

measure32() { # key headers url body: SAMPLES runs at 32 connections; R keeps the median run (its latencies)
  local i line lines=() rpss="" errors=0 med
  for ((i = 0; i < SAMPLES; i++)); do
    line=$(wrk_line "$2" "$3" "$4" 32 "$THREADS_32" "$DURATION")
    [[ -n "$line" ]] || die "wrk printed no result for $1"
    lines+=("$line")
    rpss+="$(rps_of "$line") "
    errors=$((errors + $(errs_of "$line")))
    say "$1 #$((i + 1)): $line"
  done
  med=$(for i in "${!lines[@]}"; do echo "$(rps_of "${lines[$i]}") $i"; done | sort -n | awk '{a[NR]=$2} END{print a[int((NR+1)/2)]}')
  R["$1"]="${lines[$med]}"
  S["$1"]="${rpss% }"
  E["$1"]=$errors
}

warm() { # key headers url body [min s]: 10 s windows at 32 connections until the throughput stops rising
  local start=$SECONDS prev=0 rps line curve="" min="${5:-$WARM_MIN}" max
  max=$((min + 90 > WARM_MAX ? min + 90 : WARM_MAX))
  while :; do
    line=$(wrk_line "$2" "$3" "$4" 32 "$THREADS_32" 10)
    rps=$(rps_of "$line")
    [[ -n "$rps" ]] || die "warm-up of $1 failed"
    curve+="${rps%.*} "
    if ((SECONDS - start >= max)) ||
      { ((SECONDS - start >= min)) && awk -v a="$rps" -v b="$prev" -v t="$WARM_TOLERANCE" 'BEGIN{exit !(a <= b*(1+t/100))}'; }; then
      break
    fi
    prev=$rps
  done
  W["$1"]="$((SECONDS - start)) s, req/s per 10 s window: $curve"
  say "$1 warmed up: ${W[$1]}"
}

SAFETY_OFF='{"pii":{"EMAIL":"ALLOW","PHONE":"ALLOW","CREDIT_CARD":"ALLOW","IBAN":"ALLOW","IP_ADDRESS":"ALLOW","US_SSN":"ALLOW","UK_NINO":"ALLOW","DE_TAX_ID":"ALLOW","API_SECRET":"ALLOW"},"checks":{"prompt_injection":"OFF","denied_topics":"OFF","output_pii":"OFF","policy_terms":"OFF","json_schema":"OFF","groundedness":"OFF","tool_arguments":"OFF"}}'
BODY_UP='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'
BODY_FREE='{"model":"bench-model","messages":[{"role":"user","content":"hi"}]}'
BODY_PRICED='{"model":"bench-priced","max_tokens":256,"messages":[{"role":"user","content":"hi"}]}'

portkey() { # round
  local pk_port pk_pid url headers
  pk_port=$(free_port)
  (cd "$BENCH/work/portkey" && NODE_ENV=production TRUSTED_CUSTOM_HOSTS=127.0.0.1 \
    exec node --import "$BENCH/loopback.mjs" node_modules/@portkey-ai/gateway/build/start-server.js \
    --port="$pk_port" --headless >"$RUN/portkey.log" 2>&1) &
  pk_pid=$!
  PIDS+=("$pk_pid")
  wait_http "http://127.0.0.1:$pk_port/" 200 30 "$pk_pid" || die "Portkey did not start: $(tail -5 "$RUN/portkey.log")"
  url="http://127.0.0.1:$pk_port/v1/chat/completions"
  headers="Authorization: Bearer x|x-portkey-provider: openai|x-portkey-custom-host: $UP/v1"
  warm "portkey,$1" "$headers" "$url" "$BODY_UP" 60 # Node's JIT settles within seconds
  measure32 "portkey,$1,free,32" "$headers" "$url" "$BODY_UP"
  measure "portkey,$1,free,1" "$headers" "$url" "$BODY_UP" 1 1 "$DURATION_1"
  stop "$pk_pid"
}

tessera() { # variant round
  local v="$1" r="$2" env=(TESSERA_METRICS_ENABLED=true OTEL_SDK_DISABLED=true) war="$SHIPPED_WAR" auth tv default
  case "$v" in
    off) env=(TESSERA_METRICS_ENABLED=false OTEL_SDK_DISABLED=true) ;;
    nodecisions) env+=(TESSERA_DECISIONS_ENABLED=false) ;;
    tracing | switched)
      env=(TESSERA_METRICS_ENABLED=true OTEL_SDK_DISABLED=false OTEL_TRACES_EXPORTER=otlp
        OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT"
        OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG="$SAMPLING"
        OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none OTEL_SERVICE_NAME=tessera-bench) ;;
    shipped) ;;
    *) war="$WARS_DIR/$v.war" ;;
  esac
  cp "$war" "$RUN/tessera.war"
  rm -rf "$RUN/tessera-data" # every variant starts from an empty database
  start_tessera "${env[@]}"
  bench_tenant
  auth="Authorization: Bearer $KEY"
  tv="$TS/v1/chat/completions"
  code=$(curl -s -o "$RUN/check.out" -w '%{http_code}' -H "$auth" -H 'Content-Type: application/json' -d "$BODY_FREE" "$tv")
  [[ "$code" == 200 ]] || die "$v answered $code: $(head -c 300 "$RUN/check.out")"
  warm "$v,$r" "$auth" "$tv" "$BODY_FREE" "$([[ "$v" == switched ]] && echo "$SWITCH_WARM_MIN" || echo "$WARM_MIN")"
  if [[ "$v" == switched ]]; then
    switched "$r" "$auth" "$tv"
    stop "$TS_PID"
    return
  fi
  measure32 "$v,$r,free,32" "$auth" "$tv" "$BODY_FREE"
  measure "$v,$r,free,1" "$auth" "$tv" "$BODY_FREE" 1 1 "$DURATION_1"
  if [[ "$v" == shipped ]]; then # the default safety policy against none, A B A B on this JVM
    default=$(admin GET "/api/v1/tenants/$TENANT/safety-policy" "")
    admin PUT "/api/v1/tenants/$TENANT/safety-policy" "$SAFETY_OFF" >/dev/null
    measure "nosafety,$r,free,1" "$auth" "$tv" "$BODY_FREE" 1 1 "$DURATION_1"
    admin PUT "/api/v1/tenants/$TENANT/safety-policy" "$default" >/dev/null
    measure "shipped,$r,free,1b" "$auth" "$tv" "$BODY_FREE" 1 1 "$DURATION_1"
    admin PUT "/api/v1/tenants/$TENANT/safety-policy" "$SAFETY_OFF" >/dev/null
    measure "nosafety,$r,free,1b" "$auth" "$tv" "$BODY_FREE" 1 1 "$DURATION_1"
    measure32 "nosafety,$r,free,32" "$auth" "$tv" "$BODY_FREE"
    admin PUT "/api/v1/tenants/$TENANT/safety-policy" "$default" >/dev/null
  fi
  if [[ " $PRICED_VARIANTS " == *" $v "* ]]; then
    admin POST /api/v1/models "{\"name\":\"bench-priced\",\"providerId\":\"$P1\",\"upstreamName\":\"gpt-4o-mini\",\"tier\":1,\"inputPricePerMillion\":150000,\"outputPricePerMillion\":600000,\"contextWindow\":128000}" >/dev/null
    admin POST "/api/v1/tenants/$TENANT/credits" '{"type":"GRANT","amount":1000000000000000,"reason":"bench"}' >/dev/null
    wrk_line "$auth" "$tv" "$BODY_PRICED" 32 "$THREADS_32" 20 >/dev/null
    measure32 "$v,$r,priced,32" "$auth" "$tv" "$BODY_PRICED"
    measure "$v,$r,priced,1" "$auth" "$tv" "$BODY_PRICED" 1 1 "$DURATION_1"
  fi
  stop "$TS_PID"
}

machine_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; } # user nice system irq softirq, all cores
jvm_ticks() { awk '{print $14+$15}' "/proc/$TS_PID/stat"; }             # the JVM's user + system

switched() { # round auth url: the three telemetry states on this JVM, rotated per cycle
  local r="$1" c i s line states=(none metrics both)
  local -A body=([none]='{"metrics":false,"tracing":false}' [metrics]='{"metrics":true,"tracing":false}'
    [both]='{"metrics":true,"tracing":true}')
  for s in none metrics both; do # one unmeasured cycle: every state's code compiled first
    admin PUT /api/v1/telemetry "${body[$s]}" >/dev/null
    line=$(wrk_line "$2" "$3" "$BODY_FREE" 32 "$THREADS_32" "$DURATION")
    say "switched, unmeasured, $s: $line"
  done
  for ((c = 0; c < SWITCH_CYCLES; c++)); do
    for i in 0 1 2; do
      s=${states[$(((c + i) % 3))]}
      admin PUT /api/v1/telemetry "${body[$s]}" >/dev/null
      wrk_line "$2" "$3" "$BODY_FREE" 32 "$THREADS_32" "$SWITCH_SETTLE" >/dev/null # settle after the switch
      local m0 j0 m1 j1 n
      m0=$(machine_ticks) j0=$(jvm_ticks)
      line=$(wrk_line "$2" "$3" "$BODY_FREE" 32 "$THREADS_32" "$DURATION")
      m1=$(machine_ticks) j1=$(jvm_ticks)
      [[ -n "$line" ]] || die "wrk printed no result for switched $s"
      n=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$line")
      C["$s,$r"]+="$(awk -v d=$((m1 - m0)) -v n="$n" -v t="$TICK_US" 'BEGIN{printf "%.1f", d*t/n}') "
      C["$s,$r,jvm"]+="$(awk -v d=$((j1 - j0)) -v n="$n" -v t="$TICK_US" 'BEGIN{printf "%.1f", d*t/n}') "
      R["sw-$s,$r,free,32"]="$line" # latencies: the last cycle's run
      S["sw-$s,$r,free,32"]+="$(rps_of "$line") "
      E["sw-$s,$r,free,32"]=$((${E["sw-$s,$r,free,32"]:-0} + $(errs_of "$line")))
      say "switched, cycle $((c + 1)), $s: $line"
    done
  done
  admin PUT /api/v1/telemetry "${body[both]}" >/dev/null
}

if [[ " $VARIANTS " == *" tracing "* || " $VARIANTS " == *" switched "* ]]; then
  SINK_PORT=$(free_port)
  python3 -c 'import http.server as h,sys
class S(h.BaseHTTPRequestHandler):
  def do_POST(self):
    self.rfile.read(int(self.headers.get("Content-Length") or 0)); self.send_response(200); self.end_headers()
  def log_message(self,*a): pass
h.ThreadingHTTPServer(("127.0.0.1",int(sys.argv[1])),S).serve_forever()' "$SINK_PORT" >"$RUN/otlp-sink.log" 2>&1 &
  PIDS+=("$!")
fi

STARTED="$(date '+%F %T %Z')"
for r in $(seq 1 "$ROUNDS"); do
  for v in $VARIANTS; do
    if [[ "$v" == portkey ]]; then portkey "$r"; else tessera "$v" "$r"; fi
  done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$SHIPPED_WAR"

# ---------------------------------------------------------------- report
f() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<<"${R[$1]:-}"; }
ms() { [[ -n "$1" ]] && awk -v u="$1" 'BEGIN{printf "%.2f", u/1000}'; }
errs() { [[ -n "${R[$1]:-}" ]] && echo "${E[$1]:-$(errs_of "${R[$1]}")}"; }
met() { awk -v x="$1" "BEGIN{print (x $2)?\"met\":\"not met\"}"; }
runs() { # variant model,conns rounds... -> req/s of every run of those rounds
  local v="$1" k="$2" r out=""
  shift 2
  for r in "$@"; do out+="${S[$v,$r,$k]:-$(f "$v,$r,$k" rps)} "; done
  echo "$out"
}
mean() { awk '{for (i = 1; i <= NF; i++) s += $i; if (NF) printf "%.1f", s/NF}' <<<"$1"; }
spread() { awk '{m = $1; M = $1; for (i = 2; i <= NF; i++) { if ($i < m) m = $i; if ($i > M) M = $i }; if (NF > 1) printf "%d–%d", m, M; else printf "%d", m}' <<<"$1"; }
cost() { # on-variant off-variant model,conns rounds... -> % fewer req/s, on the means of their runs
  local on off
  on=$(mean "$(runs "$1" "$3" "${@:4}")")
  off=$(mean "$(runs "$2" "$3" "${@:4}")")
  awk -v on="$on" -v off="$off" 'BEGIN{printf "%.1f", (off-on)*100/off}'
}
has() { [[ -n "${R[$1]:-}" ]]; }
cpu() { # state suffix rounds... -> mean CPU µs per request over those rounds' runs
  local st="$1" sfx="$2" r out=""
  shift 2
  for r in "$@"; do out+="${C[$st,$r$sfx]:-} "; done
  mean "$out"
}
cpucost() { # state rounds... -> % more machine CPU per request than with both off
  awk -v a="$(cpu "$1" "" "${@:2}")" -v b="$(cpu none "" "${@:2}")" 'BEGIN{printf "%.1f", (a-b)*100/b}'
}
paired() { # on-state off-state rounds... -> each cycle's cost in %, the two states' runs of that cycle
  local on off
  on=$(runs "$1" free,32 "${@:3}")
  off=$(runs "$2" free,32 "${@:3}")
  paste -d' ' <(tr -s ' ' '\n' <<<"$on" | sed '/^$/d') <(tr -s ' ' '\n' <<<"$off" | sed '/^$/d') |
    awk '{printf "%s%.1f", (NR > 1 ? ", " : ""), ($2-$1)*100/$2}'
}

{
  echo
  echo "## $STARTED: warmed-up gateway, feature by feature (bench/overhead.sh)"
  echo
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/^Mem:/{print $2}') GiB."
  echo "Load average (1/5/15 min): first seen $LOAD_FIRST; at the start $LOAD_BEFORE (waited ${waited}s); after the run $LOAD_AFTER."
  echo "Tessera: $WAR_INFO.$( ((${#BUILDS[@]})) && for b in "${BUILDS[@]}"; do printf ' %s: %s (built %s).' "$b" "$WARS_DIR/$b.war" "$(date -r "$WARS_DIR/$b.war" '+%F %T')"; done)"
  [[ " $VARIANTS " == *" switched "* ]] && echo "switched: one process started with tracing available, metrics and tracing switched at run time between runs (sw-none: both off, sw-metrics, sw-both: metrics + tracing at $SAMPLING), $SWITCH_CYCLES cycles of ${DURATION} s per state after 5 s of settling, order rotated per cycle, after a warm-up of at least ${SWITCH_WARM_MIN} s and one unmeasured cycle; req/s: the mean of the cycles, range across them."
  echo "Each variant: a fresh process (Tessera: and database), warmed up at 32 connections in 10 s windows until a window is within ${WARM_TOLERANCE} % of the one before (at least ${WARM_MIN} s, at most ${WARM_MAX} s), then wrk ${SAMPLES} × ${DURATION} s at 32 connections (-t$THREADS_32; req/s: their mean, and the range; latencies: the median run) and ${DURATION_1} s at 1; priced: 20 s more warm-up, then the same. Variants interleaved, $ROUNDS rounds. Latencies in ms."
  echo
  echo "| round | variant | model | conns | req/s | runs' range | p50 | p90 | p99 | errors |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for r in $(seq 1 "$ROUNDS"); do
    for v in $VARIANTS $([[ " $VARIANTS " == *" shipped "* ]] && echo nosafety) $([[ " $VARIANTS " == *" switched "* ]] && echo sw-none sw-metrics sw-both); do
      for k in free,32 free,1 free,1b priced,32 priced,1; do
        key="$v,$r,$k"
        has "$key" || continue
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$r" "$v" "${k%%,*}" "${k#*,}" "$(mean "$(runs "$v" "$k" "$r")")" "$(spread "$(runs "$v" "$k" "$r")")" \
          "$(ms "$(f "$key" p50)")" "$(ms "$(f "$key" p90)")" "$(ms "$(f "$key" p99)")" "$(errs "$key")"
      done
    done
  done
  echo
  echo "Warm-up (req/s of each 10 s window at 32 connections):"
  for r in $(seq 1 "$ROUNDS"); do for v in $VARIANTS; do echo "- round $r, $v: ${W[$v,$r]:-}"; done; done
  echo
  echo "Budgets, per round and over all rounds pooled (\"costs\" = how many fewer req/s at 32 connections, on the means of the runs):"
  # two builds: the second against the first; one build: the shipped one against it
  if ((${#BUILDS[@]} == 2)); then
    before="${BUILDS[0]}" after="${BUILDS[1]}"
  elif ((${#BUILDS[@]} == 1)); then
    before="${BUILDS[0]}" after=shipped
  else
    before="" after=""
  fi
  for r in $(seq 1 "$ROUNDS") all; do
    if [[ "$r" == all ]]; then
      ((ROUNDS > 1)) || continue
      rs=$(seq 1 "$ROUNDS")
      line="- all $ROUNDS rounds pooled:"
    else
      rs=$r
      line="- round $r:"
    fi
    # shellcheck disable=SC2086 # rs is a list of rounds
    if has "portkey,1,free,32" && has "shipped,1,free,32"; then
      x=$(awk -v a="$(mean "$(runs shipped free,32 $rs)")" -v b="$(mean "$(runs portkey free,32 $rs)")" 'BEGIN{printf "%.2f", a/b}')
      line+=" Tessera ${x}× Portkey at 32 connections (≥ 2: $(met "$x" '>=2'));"
      if [[ "$r" != all ]]; then
        line+=" p99 $(ms "$(f "shipped,$r,free,32" p99)") vs $(ms "$(f "portkey,$r,free,32" p99)") ms ($(met "$(f "shipped,$r,free,32" p99)" "<=$(f "portkey,$r,free,32" p99)"));"
        line+=" 1 connection p50 $(ms "$(f "shipped,$r,free,1" p50)") ms (≤ 1: $(met "$(f "shipped,$r,free,1" p50)" '<=1000'));"
      fi
    fi
    if has "off,1,free,32"; then
      has "shipped,1,free,32" && { c=$(cost shipped off free,32 $rs); line+=" metrics cost $c % (≤ 5: $(met "$c" '<=5'));"; }
      has "tracing,1,free,32" && { c=$(cost tracing off free,32 $rs); line+=" metrics + tracing at $SAMPLING cost $c % (≤ 10: $(met "$c" '<=10'));"; }
    fi
    if has "sw-none,1,free,32"; then
      # shellcheck disable=SC2086 # rs is a list of rounds
      c=$(cost sw-metrics sw-none free,32 $rs); line+=" one JVM, switched: metrics cost $c % (≤ 5: $(met "$c" '<=5')), per cycle $(paired sw-metrics sw-none $rs) %;"
      c=$(cost sw-both sw-none free,32 $rs); line+=" metrics + tracing at $SAMPLING cost $c % (≤ 10: $(met "$c" '<=10')), per cycle $(paired sw-both sw-none $rs) %;"
      line+=" CPU per request (machine / JVM, µs, mean of the runs): none $(cpu none "" $rs) / $(cpu none ,jvm $rs), metrics $(cpu metrics "" $rs) / $(cpu metrics ,jvm $rs), both $(cpu both "" $rs) / $(cpu both ,jvm $rs);"
      line+=" so metrics cost $(cpucost metrics $rs) % and metrics + tracing $(cpucost both $rs) % of the machine's CPU per request;"
    fi
    if has "nodecisions,1,free,32" && has "shipped,1,free,32"; then
      c=$(cost shipped nodecisions free,32 $rs); line+=" the decision log costs $c % (≤ 10: $(met "$c" '<=10'));"
    fi
    if [[ "$r" != all ]] && has "nosafety,$r,free,1b"; then
      d=$(awk -v a="$(f "shipped,$r,free,1" p50)" -v b="$(f "shipped,$r,free,1b" p50)" -v c="$(f "nosafety,$r,free,1" p50)" -v e="$(f "nosafety,$r,free,1b" p50)" 'BEGIN{printf "%.3f", ((a+b)-(c+e))/2000}')
      line+=" the default safety policy adds $d ms at p50, 1 connection, mean of A B A B (≤ 0.3: $(met "$d" '<=0.3'));"
    fi
    if [[ -n "$before" ]]; then
      for k in free,32 priced,32; do
        has "$after,1,$k" && has "$before,1,$k" &&
          { c=$(cost "$after" "$before" "$k" $rs); line+=" $after against $before, ${k%%,*}: $c % fewer req/s (≤ 5: $(met "$c" '<=5'));"; }
      done
    fi
    echo "$line"
  done
} | tee -a "$RESULTS"
say "appended to $RESULTS; logs in $RUN"
