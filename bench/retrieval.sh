#!/usr/bin/env bash
# Retrieval benchmark (run by hand, on a quiet machine): starts Tessera on a scratch data dir
# (embedded PostgreSQL, durability as shipped), ingests CHUNKS chunks into one tenant (default
# 100,000; every fifth document restricted to a group), then measures hybrid search with the ACL
# filter on as a key outside that group. Appends the figures, machine and date to bench/RESULTS.md.
#   bench/retrieval.sh [CHUNKS] [QUERIES]      (JVM options for Tessera in TS_JAVA_OPTS)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CHUNKS="${1:-100000}"
QUERIES="${2:-500}"
WAR="$ROOT/web/target/tessera.war"
MICRO="$ROOT/web/target/runtime/payara-micro.jar"
[[ -f "$WAR" && -f "$MICRO" ]] || ./tessera build

scratch="$(mktemp -d "${TMPDIR:-/tmp}/tessera-rbench.XXXXXX")"
token="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
port=$((20000 + RANDOM % 30000))
mkdir -p "$scratch/tmp"
echo "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1" >"$scratch/preboot.txt"
cat "$ROOT/ops/payara-preboot.txt" >>"$scratch/preboot.txt"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
TESSERA_DATA_DIR="$scratch" TESSERA_ADMIN_TOKEN="$token" TESSERA_PORT="$port" TESSERA_RETRIEVAL_WORKERS=2 \
  java -Xmx4g ${TS_JAVA_OPTS:-} -Djava.io.tmpdir="$scratch/tmp" -Dhazelcast.socket.bind.any=false -Dhazelcast.phone.home.enabled=false \
  -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -jar "$MICRO" --deploy "$WAR" --contextroot / \
  --port "$port" --nocluster --interfaces 127.0.0.1 --nohostaware --disablephonehome \
  --prebootcommandfile "$scratch/preboot.txt" >"$scratch/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$scratch"' EXIT
for _ in $(seq 1 600); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GET /health/ready HTTP/1.0\r\n\r\n' >&3 && head -1 <&3 | grep -q ' 200 ') 2>/dev/null; then
    break
  fi
  sleep 1
done
# /health is Payara's own context; wait for the application's too (GLASSFISH-21522 start-up race)
for _ in $(seq 1 100); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/tenants?limit=1")" == 200 ]] && break
  sleep 0.1
done
out="$(java "$ROOT/bench/RetrievalBench.java" "http://127.0.0.1:$port" "$token" "$CHUNKS" "$QUERIES" "$server")"
echo "$out"
rss="$(awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' "/proc/$server/status")"
index_size="$(du -sh "$scratch/retrieval-index" | cut -f1)"
{
  echo
  echo "## Retrieval $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Tessera: $(git rev-parse --short HEAD). $CHUNKS chunks requested, $QUERIES queries."
  echo '```'
  echo "$out"
  echo "server resident memory after the run: $rss; Lucene index on disk: $index_size"
  echo '```'
} >>"$ROOT/bench/RESULTS.md"
