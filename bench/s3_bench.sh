#!/usr/bin/env bash
# S3 sink end to end: N records of the seed's shape (ec_uriage rows as the JDBC source writes them,
# JsonConverter envelope) from a Sluice broker through a standalone worker's S3 sink (JsonFormat) into
# s3rver. Reports records/s and MB/s of JSON written, the worker's peak RSS, and in the same run the
# endpoint's limit (`aws s3 cp` of a file of the same total size to the same s3rver) and the JSON
# encoding alone against memcpy (build/bin/s3_bench).
# Also reports the CPU seconds the worker (start-up included) and s3rver spent on the run.
#   bench/s3_bench.sh [RECORDS]    (default 1000000)
#   PERF_DATA=FILE [PERF_ARGS=...] bench/s3_bench.sh ...    also records the worker with `perf record
#   ${PERF_ARGS:--g}` into FILE (attached 0.1 s after start; e.g. PERF_ARGS="--call-graph dwarf")
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/build/bin"
n=${1:-1000000}
flush=${FLUSH_SIZE:-100000}
dir=$(mktemp -d /tmp/sluice-s3bench-XXXXXX)
bport=$((20000 + RANDOM % 10000)); sport=$((30000 + RANDOM % 10000)); rport=$((40000 + RANDOM % 10000))
bpid=""; wpid=""; ppid_perf=""
cleanup() {
  [ -n "$ppid_perf" ] && kill -INT "$ppid_perf" 2>/dev/null && wait "$ppid_perf" 2>/dev/null
  [ -n "$wpid" ] && kill "$wpid" 2>/dev/null && wait "$wpid" 2>/dev/null
  [ -n "$bpid" ] && kill "$bpid" 2>/dev/null && wait "$bpid" 2>/dev/null
  "$root/scripts/services/s3rver" stop "$dir/s3" || true
  rm -rf "$dir"
}
trap cleanup EXIT
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1
s3="http://127.0.0.1:$sport"

# group.initial.rebalance.delay.ms=0: the broker's default (3 s, as Kafka's) would hold the sink's
# consumer group that long before the first record and count as sink time.
printf 'listeners=PLAINTEXT://127.0.0.1:%s\nlog.dirs=%s/data\nnum.partitions=1\ngroup.initial.rebalance.delay.ms=0\n' \
  "$bport" "$dir" >"$dir/server.properties"
"$bin/sluice" broker "$dir/server.properties" >"$dir/broker.log" 2>&1 & bpid=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$bport) 2>/dev/null && break; sleep 0.05; done
"$root/scripts/services/s3rver" start "$dir/s3" "$sport" --configure-bucket bench

echo "--- producing $n records of the seed's shape"
/usr/bin/python3 - "$n" >"$dir/records.jsonl" <<'PY'
import sys
schema = ('{"type":"struct","fields":[{"type":"string","optional":false,"field":"seq"},'
          '{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"sales_time"},'
          '{"type":"string","optional":true,"field":"sales_id"},{"type":"string","optional":true,"field":"item_id"},'
          '{"type":"int32","optional":true,"field":"amount"},{"type":"int32","optional":true,"field":"unit_price"}],'
          '"optional":false,"name":"ec_uriage"}')
out = sys.stdout
for i in range(int(sys.argv[1])):
    out.write('{"schema":%s,"payload":{"seq":"%d","sales_time":%d,"sales_id":"ECSALES%08d","item_id":"ITEM%03d","amount":%d,"unit_price":%d}}\n'
              % (schema, i + 1, 1538737871000 + i, i // 3, i % 50, 1 + i % 5, 100 + i % 5000))
PY
kcat -P -b "127.0.0.1:$bport" -t ecsales_ec_uriage -X linger.ms=50 -X batch.num.messages=10000 -l "$dir/records.jsonl"

cat >"$dir/worker.properties" <<EOF2
bootstrap.servers=127.0.0.1:$bport
listeners=http://127.0.0.1:$rport
offset.storage.file.filename=$dir/offsets.txt
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
value.converter.schemas.enable=${SCHEMAS_ENABLE:-true}
EOF2
cat >"$dir/sink.properties" <<EOF2
name=bench-sink
connector.class=io.confluent.connect.s3.S3SinkConnector
s3.bucket.name=bench
s3.region=us-east-1
store.url=$s3
aws.access.key.id=S3RVER
aws.secret.access.key=S3RVER
storage.class=io.confluent.connect.s3.storage.S3Storage
format.class=io.confluent.connect.s3.format.json.JsonFormat
s3.part.size=5242880
flush.size=$flush
topics=ecsales_ec_uriage
tasks.max=1
EOF2
objects=$(( (n + flush - 1) / flush ))
# CPU seconds (user + system) of a process from /proc/PID/stat.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }
spid=$(cat "$dir/s3/s3rver.pid")
scpu0=$(cpu "$spid")
start=$(date +%s.%N)
"$bin/sluice" connect-standalone "$dir/worker.properties" "$dir/sink.properties" >"$dir/worker.log" 2>&1 & wpid=$!
if [ -n "${PERF_DATA:-}" ]; then
  sleep 0.1; perf record -q ${PERF_ARGS:--g} -p "$wpid" -o "$PERF_DATA" 2>"$dir/perf.log" & ppid_perf=$!
fi
# An object counts once s3rver has stored it whole: its metadata file is written after the content
# and its MD5. (Listing the bucket every 50 ms instead made s3rver, single-threaded, MD5 the partly
# written object on every listing, and counted that object before it was complete.)
count() { find "$dir/s3/data/bench/topics" -name '*._S3rver_metadata.json' 2>/dev/null | wc -l; }
while [ "$(count)" -lt "$objects" ]; do
  kill -0 "$wpid" 2>/dev/null || { echo "worker died"; tail -20 "$dir/worker.log"; exit 1; }
  sleep 0.05
done
end=$(date +%s.%N)
listing=$(curl -s "$s3/bench?list-type=2&prefix=topics/")
[ "$(grep -o '<Key>' <<<"$listing" | wc -l)" -eq "$objects" ] || { echo "listing disagrees: $listing"; exit 1; }
bytes=$(grep -o '<Size>[0-9]*' <<<"$listing" | sed 's/<Size>//' | paste -sd+ | bc)
rss=$(awk '$1=="VmHWM:" {print $2/1024}' /proc/$wpid/status)
wcpu=$(cpu "$wpid"); scpu=$(echo "$(cpu "$spid") - $scpu0" | bc -l)
if [ -n "$ppid_perf" ]; then kill -INT "$ppid_perf"; wait "$ppid_perf" 2>/dev/null || true; ppid_perf=""; fi
secs=$(echo "$end - $start" | bc -l)
printf 'sink: %d records, %d objects, %.1f MB JSON in %.2f s (incl. worker start-up): %.0f records/s, %.1f MB/s; worker peak RSS %.1f MB\n' \
  "$n" "$objects" "$(echo "$bytes/1000000" | bc -l)" "$secs" "$(echo "$n/$secs" | bc -l)" "$(echo "$bytes/1000000/$secs" | bc -l)" "$rss"
printf 'CPU: worker %.2f s (start-up included), s3rver %.2f s\n' "$wcpu" "$scpu"

echo "--- endpoint limit: aws s3 cp of $bytes bytes to the same s3rver"
head -c "$bytes" /dev/urandom >"$dir/blob"
cstart=$(date +%s.%N)
aws --endpoint-url "$s3" s3 cp --only-show-errors "$dir/blob" s3://bench/blob
cend=$(date +%s.%N)
csecs=$(echo "$cend - $cstart" | bc -l)
printf 'aws s3 cp: %.2f s, %.1f MB/s; the sink reached %.0f%% of it\n' "$csecs" "$(echo "$bytes/1000000/$csecs" | bc -l)" \
  "$(echo "100 * $csecs / $secs" | bc -l)"

echo "--- JSON encoding alone against memcpy"
"$bin/s3_bench" --benchmark_min_time=0.3 2>/dev/null | grep -E "^BM_"
