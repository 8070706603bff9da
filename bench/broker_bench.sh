#!/usr/bin/env bash
# Whole-process broker benchmark: starts `sluice broker` on a throwaway dir, then measures with
# librdkafka (build/bin/broker_bench) produce and consume throughput (and produce/consume by raw
# Produce/Fetch requests of whole batches, without a client's per-message work) for 100 B and 1 KiB messages on
# 1 and 8 partitions, produce latency at half of the peak rate, the broker's idle and peak RSS, and
# beside them the machine's limits: sequential disk write (+fdatasync) and a loopback TCP copy, and the
# librdkafka producer's own ceiling (its in-memory mock broker).
#   bench/broker_bench.sh [MESSAGES]     (default 1000000 for 100 B, a tenth of that for 1 KiB)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/build/bin"
n100=${1:-1000000}
n1k=$((n100 / 10))
dir=$(mktemp -d /tmp/sluice-bench-XXXXXX)
port=$((20000 + RANDOM % 20000))
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT

printf 'listeners=PLAINTEXT://127.0.0.1:%s\nlog.dirs=%s/data\nnum.partitions=1\n' "$port" "$dir" >"$dir/server.properties"
"$bin/sluice" broker "$dir/server.properties" >"$dir/broker.log" 2>&1 &
pid=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
rss() { awk -v k="$1:" '$1==k {print $2/1024 " MB"}' /proc/$pid/status; }
echo "broker idle RSS: $(rss VmRSS)"
# bb MODE ARGS...: one broker_bench run on one line, with the CPU seconds the client process
# (client_cpu_s, librdkafka's threads included) and the broker (broker_cpu_s) used during it: on this
# machine both share the cores, so these tell a client-bound figure from a broker-bound one.
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' /proc/$pid/stat; }
bb() {
  local t0 t1 out
  t0=$(ticks)
  out=$("$bin/broker_bench" "$@")
  t1=$(ticks)
  echo "$(echo "$out" | paste -sd' ') broker_cpu_s=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN {printf "%.2f", (b - a) / hz}')"
}

echo "--- limits"
"$bin/broker_bench" disk "$dir" 1000
"$bin/broker_bench" loopback 4000
# The producer's own ceiling on this machine: librdkafka against its in-memory mock broker (no socket to
# another process, no disk). Where the produce runs below come near it, the client is what bounds them.
echo "--- librdkafka producer ceiling (in-memory mock broker)"
for parts in 1 8; do
  for size in 100 1024; do
    n=$n100; [ "$size" = 1024 ] && n=$n1k
    echo "$parts partition(s), $size B: $("$bin/broker_bench" mock "$parts" "$size" "$n" | paste -sd' ')"
  done
done

b=127.0.0.1:$port
create() {  # topic partitions
  /usr/bin/python3 - "$b" "$1" "$2" <<'PY'
import sys
from kafka import KafkaAdminClient
from kafka.admin import NewTopic
KafkaAdminClient(bootstrap_servers=sys.argv[1]).create_topics([NewTopic(sys.argv[2], int(sys.argv[3]), 1)])
PY
}
for parts in 1 8; do
  for size in 100 1024; do
    n=$n100; [ "$size" = 1024 ] && n=$n1k
    t="bench-$parts-$size"
    create "$t" "$parts"
    echo "--- $parts partition(s), $size-byte messages, $n messages"
    out=$(bb produce "$b" "$t" "$size" "$n")
    echo "$out"
    bb consume "$b" "$t" "$n"
    bb fetch "$b" "$t" "$parts" "$size" "$n"
    peak=$(echo "$out" | sed -n 's/.*msgps=\([0-9]*\).*/\1/p')
    half=$((peak / 2))
    echo "latency at half of peak ($half msg/s):"
    bb produce "$b" "$t-lat" "$size" $((half * 3 < n ? half * 3 : n)) "$half" | sed 's/^/  /'
    raw=$(bb rawproduce "$b" "$t-raw" "$parts" "$size" "$n")
    echo "$raw"
    rpeak=$(echo "$raw" | sed -n 's/.*msgps=\([0-9]*\).*/\1/p')
    echo "raw produce latency at half of its peak ($((rpeak / 2)) msg/s):"
    bb rawproduce "$b" "$t-rawlat" "$parts" "$size" $((rpeak / 2 * 2 < n ? rpeak / 2 * 2 : n)) $((rpeak / 2)) | sed 's/^/  /'
  done
done
echo "broker peak RSS: $(rss VmHWM), now: $(rss VmRSS)"
