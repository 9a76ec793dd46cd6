# Shared by the bench scripts (sourced, not run): logging, the processes a run starts and their
# clean-up, free loopback ports, readiness, a copy of the built runtime, the load gate, and
# starting Tessera. Expects BENCH, ROOT, RUN, LOG (and LOAD_MAX, LOAD_WAIT for the gate).

say() { echo "[$(date +%T)] $*" | tee -a "$LOG" >&2; }
die() { say "FAILED: $*"; exit 1; }

# ---------------------------------------------------------------- processes and cleanup
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  done
  # the embedded PostgreSQL is a child of the JVM, stopped by its shutdown hook; make sure
  local pidfile pg
  for pidfile in $(find "$RUN/tessera-data" -name postmaster.pid 2>/dev/null); do
    pg=$(head -1 "$pidfile" 2>/dev/null || true)
    if [[ -n "$pg" && "$(cat /proc/"$pg"/comm 2>/dev/null)" == postgres* ]]; then kill "$pg" 2>/dev/null || true; fi
  done
  rm -f "$RUN/tessera.war" "$RUN/payara-micro.jar" # copies, 270 MB
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop() { # stop one process started here
  local pid="$1"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_http() { # url expected-status seconds pid
  local url="$1" want="$2" secs="$3" pid="$4" code
  for _ in $(seq 1 $((secs * 2))); do
    kill -0 "$pid" 2>/dev/null || return 1
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
    [[ "$code" == "$want" ]] && return 0
    sleep 0.5
  done
  return 1
}

copy_runtime() { # -> WAR_INFO; $RUN/tessera.war and $RUN/payara-micro.jar
  WAR="$ROOT/web/target/tessera.war"
  MICRO="$ROOT/web/target/runtime/payara-micro.jar"
  for _ in $(seq 1 60); do [[ -f "$WAR" ]] && break; say "waiting for $WAR"; sleep 10; done
  [[ -f "$WAR" ]] || die "no $WAR (run ./tessera build)"
  if [[ ! -f "$MICRO" ]]; then
    v=$(sed -n 's:.*<payara.micro.version>\(.*\)</payara.micro.version>.*:\1:p' "$ROOT/pom.xml")
    MICRO="$HOME/.m2/repository/fish/payara/extras/payara-micro/$v/payara-micro-$v.jar"
    [[ -f "$MICRO" ]] || die "no Payara Micro runtime (run ./tessera build)"
  fi
  cp "$WAR" "$RUN/tessera.war"
  cp "$MICRO" "$RUN/payara-micro.jar"
  WAR_INFO="$(git -C "$ROOT" log -1 --format='%h %s' 2>/dev/null | cut -c1-80); WAR built $(date -r "$WAR" '+%F %T')"
}

load_gate() { # waits until the 1-minute load is at most LOAD_MAX -> LOAD_FIRST, LOAD_BEFORE, waited
  load1() { cut -d' ' -f1 /proc/loadavg; }
  LOAD_FIRST="$(cut -d' ' -f1-3 /proc/loadavg)"
  waited=0
  while awk -v l="$(load1)" -v m="$LOAD_MAX" 'BEGIN{exit !(l>m)}'; do
    if ((waited >= LOAD_WAIT)); then
      say "load $(load1) still above $LOAD_MAX after ${waited}s: measuring anyway"
      break
    fi
    say "load average $(load1) > $LOAD_MAX: waiting (${waited}s so far)"
    sleep 30
    waited=$((waited + 30))
  done
  LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
  say "load before the run: $LOAD_BEFORE (first seen $LOAD_FIRST, waited ${waited}s)"
}

start_tessera() { # extra "VAR=value" settings... -> TS_PID, TS_PORT, TS (base URL); JVM options in TS_JAVA_OPTS
  TS_PORT=$(free_port)
  mkdir -p "$RUN/tessera-data" "$RUN/tmp"
  # the HTTP listener on loopback only (--interfaces covers only the data grid)
  echo "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1" \
    >"$RUN/preboot-commands.txt"
  cat "$ROOT/ops/payara-preboot.txt" >>"$RUN/preboot-commands.txt" # as ./tessera starts it
  # more asadmin "set" commands, one per line (TS_PREBOOT), for experiments with Payara's settings
  [[ -z "${TS_PREBOOT:-}" ]] || echo "$TS_PREBOOT" >>"$RUN/preboot-commands.txt"
  say "starting Tessera on 127.0.0.1:$TS_PORT"
  # exec: TS_PID must be the JVM itself, or stopping it leaves Tessera (and its database) running
  (cd "$RUN" && exec env "$@" TESSERA_DATA_DIR="$RUN/tessera-data" TESSERA_PORT="$TS_PORT" TESSERA_ADMIN_TOKEN=bench-token \
    java -Xmx1g ${TS_JAVA_OPTS:-} -Djava.io.tmpdir="$RUN/tmp" -Dhazelcast.socket.bind.any=false -Dhazelcast.phone.home.enabled=false \
    -Djava.util.concurrent.ForkJoinPool.common.parallelism="$(($(nproc) > 2 ? $(nproc) - 1 : 2))" \
    -jar "$RUN/payara-micro.jar" --deploy "$RUN/tessera.war" --contextroot / --port "$TS_PORT" \
    --nocluster --interfaces 127.0.0.1 --nohostaware --disablephonehome \
    --prebootcommandfile "$RUN/preboot-commands.txt" >"$RUN/tessera.log" 2>&1) &
  TS_PID=$!
  PIDS+=("$TS_PID")
  TS="http://127.0.0.1:$TS_PORT"
  wait_http "$TS/health/ready" 200 300 "$TS_PID" || die "Tessera did not become ready: $(tail -20 "$RUN/tessera.log")"
  # /health is Payara's own context: the application's may still be finishing its start (a request
  # in that instant met Payara's WebDirContext race, GLASSFISH-21522, as a 500), so wait for ours too
  local i
  for i in $(seq 1 100); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer bench-token' "$TS/api/v1/tenants?limit=1")" == 200 ]] && break
    sleep 0.1
  done
  say "Tessera ready"
}

admin() { # method path body -> json (as the operator, token bench-token)
  local out
  out=$(curl -sS --max-time 30 -X "$1" -H 'Authorization: Bearer bench-token' -H 'Content-Type: application/json' \
    -w '\n%{http_code}' -d "$3" "$TS$2")
  [[ "$(tail -1 <<<"$out")" == 2* ]] || die "$1 $2: $out"
  sed '$d' <<<"$out"
}

# ---------------------------------------------------------------- the upstream
# nginx on loopback with a canned chat completion (/v1/chat/completions) and a canned stream
# (/stream/v1/chat/completions). Expects NGINX. -> NG_PID, NG_PORT, UP (base URL)
start_upstream() {
  local COMPLETION STREAM w
  NG_PORT=$(free_port)
  mkdir -p "$RUN/nginx/tmp"
  chmod 1777 "$RUN/nginx/tmp"
  COMPLETION='{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","system_fingerprint":"fp_bench","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18}}'
  chunk() { # content finish_reason usage
    printf '{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","system_fingerprint":"fp_bench","choices":[%s]%s}' "$1" "$2"
  }
  STREAM="data: $(chunk '{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}' '')\n\n"
  for w in Hello '!' ' How' ' can' ' I' ' help' ' you' ' today' '?'; do
    STREAM+="data: $(chunk "{\"index\":0,\"delta\":{\"content\":\"$w\"},\"logprobs\":null,\"finish_reason\":null}" '')\n\n"
  done
  STREAM+="data: $(chunk '{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}' '')\n\n"
  STREAM+="data: $(chunk '' ',"usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18}')\n\n"
  STREAM+='data: [DONE]\n\n'
  cat >"$RUN/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $RUN/nginx/tmp/body;
  proxy_temp_path $RUN/nginx/tmp/proxy;
  fastcgi_temp_path $RUN/nginx/tmp/fastcgi;
  uwsgi_temp_path $RUN/nginx/tmp/uwsgi;
  scgi_temp_path $RUN/nginx/tmp/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$NG_PORT;
    location = /v1/chat/completions {
      default_type application/json;
      return 200 '$COMPLETION';
    }
    location = /stream/v1/chat/completions {
      default_type text/event-stream;
      add_header Cache-Control no-cache;
      return 200 '$STREAM';
    }
  }
}
EOF
  "$NGINX" -t -q -c "$RUN/nginx/nginx.conf" -p "$RUN/nginx" 2>>"$LOG" || die "nginx config"
  "$NGINX" -c "$RUN/nginx/nginx.conf" -p "$RUN/nginx" 2>>"$LOG" &
  NG_PID=$!
  PIDS+=("$NG_PID")
  sleep 0.5
  [[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' "http://127.0.0.1:$NG_PORT/v1/chat/completions")" == 200 ]] ||
    die "nginx does not answer"
  say "nginx on 127.0.0.1:$NG_PORT"
  UP="http://127.0.0.1:$NG_PORT"
}

# ---------------------------------------------------------------- a tenant to measure with
# A tenant with limits out of the way, an API key, and the upstream as two free models:
# bench-model (UP/v1) and bench-stream (UP/stream/v1). -> TENANT, KEY, P1, P2
bench_tenant() {
  TENANT=$(admin POST /api/v1/tenants '{"slug":"bench","name":"Bench","tier":"STANDARD","limits":{"requestsPerMinute":100000000,"tokensPerMinute":2000000000,"maxConcurrentRequests":1000,"keyRequestsPerMinute":100000000,"keyTokensPerMinute":2000000000}}' | jq -r .id)
  KEY=$(admin POST "/api/v1/tenants/$TENANT/api-keys" '{"name":"bench","scopes":["inference"]}' | jq -r .key)
  P1=$(admin POST /api/v1/providers "{\"name\":\"nginx\",\"kind\":\"openai\",\"baseUrl\":\"$UP/v1\",\"apiKey\":\"x\"}" | jq -r .id)
  P2=$(admin POST /api/v1/providers "{\"name\":\"nginx-stream\",\"kind\":\"openai\",\"baseUrl\":\"$UP/stream/v1\",\"apiKey\":\"x\"}" | jq -r .id)
  admin POST /api/v1/models "{\"name\":\"bench-model\",\"providerId\":\"$P1\",\"upstreamName\":\"gpt-4o-mini\",\"tier\":1}" >/dev/null
  admin POST /api/v1/models "{\"name\":\"bench-stream\",\"providerId\":\"$P2\",\"upstreamName\":\"gpt-4o-mini\",\"tier\":1}" >/dev/null
  [[ "$KEY" == tsk_* ]] || die "no API key"
}

# ---------------------------------------------------------------- warming up
# A JIT-compiled server is measured once its throughput stops rising and its compiler has gone
# quiet: on 2 cores Tessera's C2 compiler keeps one core busy for the first 3-4 minutes of traffic
# (~250 s of compile time), so a throughput plateau reached earlier is measured against half the
# machine. Runs wrk at 32 connections in 10 s windows until a window is within WARM_TOLERANCE (5) %
# of the one before and, given a JVM's pid, that JVM spent at most WARM_JIT (0.5) s compiling in the
# window (jstat); after at least the given minimum (default WARM_MIN, 150 s), at most WARM_MAX (240;
# 480 with a pid) s. -> WARM_CURVE (for the report)
jit_seconds() { # pid -> total JIT compile time so far (s), from jstat
  { jstat -compiler "$1" 2>/dev/null || true; } | awk 'NR == 2 {print $4}'
}
warm_plateau() { # url headers body [min s] [jvm pid]
  local start=$SECONDS prev=0 rps curve="" min="${4:-${WARM_MIN:-150}}" pid="${5:-}" jit0 jit1 jit="" quiet max
  max="${WARM_MAX:-$([[ -n "$pid" ]] && echo 480 || echo 240)}"
  [[ -z "$pid" ]] || jit0=$(jit_seconds "$pid")
  while :; do
    rps=$(BENCH_HEADERS="$2" BENCH_BODY="$3" wrk -t2 -c32 -d10s --timeout 10s -s "$BENCH/post.lua" "$1" 2>&1 |
      sed -n 's/^BENCH rps=\([0-9.]*\).*/\1/p')
    [[ -n "$rps" ]] || die "warm-up against $1 failed"
    quiet=1
    if [[ -n "$pid" ]]; then
      jit1=$(jit_seconds "$pid")
      jit=$(awk -v a="$jit1" -v b="$jit0" 'BEGIN{printf "%.1f", a-b}')
      awk -v j="$jit" -v t="${WARM_JIT:-0.5}" 'BEGIN{exit !(j <= t)}' || quiet=0
      jit0=$jit1
      curve+="${rps%.*} (JIT ${jit} s) "
    else
      curve+="${rps%.*} "
    fi
    if ((SECONDS - start >= max)) || { ((SECONDS - start >= min)) && ((quiet)) &&
      awk -v a="$rps" -v b="$prev" -v t="${WARM_TOLERANCE:-5}" 'BEGIN{exit !(a <= b*(1+t/100))}'; }; then
      break
    fi
    prev=$rps
  done
  local what="req/s per 10 s window"
  [[ -z "$pid" ]] || what+=" (and the JVM's compile time in it)"
  WARM_CURVE="$((SECONDS - start)) s, $what: $curve"
  say "warmed up ($1): $WARM_CURVE"
}
