#!/usr/bin/env bash
# JDBC source benchmark: ROWS (default 2,000,000) generated rows of the seed's ec_uriage in PostgreSQL and
# in MariaDB (as pos_uriage, with shop_id), each loaded into a Sluice broker by the JDBC source
# (mode incrementing on seq, JsonConverter without schemas), beside the databases' own export rates
# measured in the same run (psql COPY ... TO STDOUT, mariadb --quick) and the worker's peak RSS.
# The load's time runs from the worker's start to the moment the topic's high watermark reaches ROWS
# (polled every 10 ms with ListOffsets on one connection; kcat every 0.2 s found it up to ~0.6 s late).
#   [PARALLEL=N] [SLUICE_BIN=path] bench/jdbc_bench.sh [ROWS] [BATCH_MAX_ROWS]
# (SLUICE_BIN: another sluice binary, e.g. a copy of the previous build to compare in the same conditions.)
# Needs build/bin/sluice, psql, mariadb, python3. Everything runs in a throwaway /tmp directory.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rows="${1:-2000000}"
batch="${2:-10000}"
# PARALLEL=N: the Sluice extension initial.load.parallel with tasks.max=N (N ranges read side by side).
tasks="${PARALLEL:-1}"
parallel=false; [ "${PARALLEL:-0}" -gt 1 ] && parallel=true
bin="${SLUICE_BIN:-$root/build/bin/sluice}"
dir="$(mktemp -d /tmp/sluice-jdbc-bench-XXXXXX)"
chmod 755 "$dir"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_port=$(port); my_port=$(port); broker_port=$(port); rest_port=$(port)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$root/scripts/services/postgres" stop "$dir/pg" || true
  "$root/scripts/services/mariadb" stop "$dir/my" || true
  rm -rf "$dir"
}
trap cleanup EXIT
now() { date +%s.%N; }
rate() { python3 -c "print(f'{$1/($3-$2):,.0f}')"; }

echo "== starting PostgreSQL, MariaDB, broker ($rows rows, batch.max.rows=$batch, tasks.max=$tasks, initial.load.parallel=$parallel)"
"$root/scripts/services/postgres" start "$dir/pg" "$pg_port"
"$root/scripts/services/mariadb" start "$dir/my" "$my_port"
psql_() { psql -X -q -h "$dir/pg" -p "$pg_port" -U postgres "$@"; }
my_() { mariadb --no-defaults -uroot --socket="$dir/my/mysqld.sock" "$@"; }
psql_ -d postgres -c "CREATE DATABASE ec" -c "CREATE USER connectuser WITH PASSWORD 'connectpass'"
psql_ -d ec <<SQL
CREATE TABLE ec_uriage (seq bigint PRIMARY KEY, sales_time timestamp, sales_id varchar(80), item_id varchar(80),
  amount int, unit_price int);
GRANT ALL ON ec_uriage TO connectuser;
INSERT INTO ec_uriage SELECT g, timestamp '2018-10-01' + g * interval '1 second', 'ECSALES' || lpad((g / 3)::text, 8, '0'),
  'ITEM' || lpad((g % 1000)::text, 3, '0'), 1 + g % 5, 100 + g % 9000 FROM generate_series(1, $rows) g;
VACUUM ANALYZE ec_uriage;
SQL
my_ <<SQL
CREATE DATABASE pos; CREATE USER 'connectuser' IDENTIFIED BY 'connectpass'; GRANT ALL PRIVILEGES ON pos.* TO 'connectuser';
USE pos;
CREATE TABLE pos_uriage (seq bigint PRIMARY KEY, sales_time timestamp NULL, sales_id varchar(80), shop_id varchar(80),
  item_id varchar(80), amount int, unit_price int);
INSERT INTO pos_uriage SELECT seq, TIMESTAMP '2018-10-01 00:00:00' + INTERVAL seq SECOND, CONCAT('POSSALES', LPAD(seq DIV 3, 8, '0')),
  CONCAT('SHOP', LPAD(seq % 50, 3, '0')), CONCAT('ITEM', LPAD(seq % 1000, 3, '0')), 1 + seq % 5, 100 + seq % 9000
  FROM seq_1_to_${rows};
SQL
mkdir -p "$dir/broker"
printf 'listeners=PLAINTEXT://127.0.0.1:%s\nlog.dirs=%s/broker/data\n' "$broker_port" "$dir" > "$dir/broker/server.properties"
"$bin" broker "$dir/broker/server.properties" > "$dir/broker.log" 2>&1 &
pids+=($!)
sleep 1

echo "== database export limits (same machine, same run)"
t0=$(now); psql_ -d ec -c "COPY (SELECT * FROM ec_uriage) TO STDOUT" > /dev/null; t1=$(now)
pg_limit=$(rate "$rows" "$t0" "$t1")
echo "PostgreSQL COPY TO STDOUT: $pg_limit rows/s"
t0=$(now); my_ --quick -e 'SELECT * FROM pos.pos_uriage' > /dev/null; t1=$(now)
my_limit=$(rate "$rows" "$t0" "$t1")
echo "mariadb --quick:           $my_limit rows/s"

load() {  # name url table prefix
  local name=$1 url=$2 table=$3 prefix=$4
  cat > "$dir/worker-$name.properties" <<EOF2
listeners=http://127.0.0.1:$rest_port
bootstrap.servers=127.0.0.1:$broker_port
offset.storage.file.filename=$dir/offsets-$name.txt
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
value.converter.schemas.enable=false
EOF2
  cat > "$dir/$name.properties" <<EOF2
name=$name
connector.class=io.confluent.connect.jdbc.JdbcSourceConnector
connection.url=$url
connection.user=connectuser
connection.password=connectpass
mode=incrementing
incrementing.column.name=seq
table.whitelist=$table
topic.prefix=$prefix
batch.max.rows=$batch
tasks.max=$tasks
initial.load.parallel=$parallel
EOF2
  local t0 t1 peak wpid out
  t0=$(now)
  "$bin" connect-standalone "$dir/worker-$name.properties" "$dir/$name.properties" > "$dir/worker-$name.log" 2>&1 &
  wpid=$!
  pids+=($wpid)
  out=$(python3 - "$broker_port" "$prefix$table" "$rows" "$wpid" <<'PY'
# Waits until the topic's partition 0 holds every row (its high watermark, from ListOffsets v1 every
# 10 ms on one connection: cheap beside the load, and 10 ms precise), then prints that time and the
# worker's peak RSS in kB (VmHWM, or the highest VmRSS sampled if larger).
import os, socket, struct, sys, time
port, topic, rows, pid = int(sys.argv[1]), sys.argv[2].encode(), int(sys.argv[3]), int(sys.argv[4])
def status(key):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(key + ":"): return int(line.split()[1])
    except OSError: pass
    return 0
def high_watermark(sock, cid):
    req = struct.pack(">hhih", 2, 1, cid, 5) + b"bench" + struct.pack(">iih", -1, 1, len(topic)) + topic + \
        struct.pack(">iiq", 1, 0, -1)
    sock.sendall(struct.pack(">i", len(req)) + req)
    n = struct.unpack(">i", sock.recv(4, socket.MSG_WAITALL))[0]
    r = sock.recv(n, socket.MSG_WAITALL)
    at = 8 + 2 + struct.unpack_from(">h", r, 8)[0] + 4  # correlation id, topic count, name, partition count
    _, err, _, hw = struct.unpack_from(">ihqq", r, at)
    return hw if err == 0 else -1
sock, peak, cid = None, 0, 0
while True:
    peak = max(peak, status("VmRSS"))
    cid += 1
    try:
        sock = sock or socket.create_connection(("127.0.0.1", port))
        hw = high_watermark(sock, cid)
    except (OSError, struct.error):
        sock, hw = None, -1
    if hw >= rows:
        print(f"{time.time():.6f} {max(peak, status('VmHWM'))}")
        break
    try:
        os.kill(pid, 0)
    except OSError:
        print("died 0")
        break
    time.sleep(0.01)
PY
)
  read -r t1 peak <<< "$out"
  if [[ "$t1" == died ]]; then echo "worker died" >&2; tail -20 "$dir/worker-$name.log" >&2; exit 1; fi
  kill $wpid; wait $wpid 2>/dev/null || true
  echo "$(rate "$rows" "$t0" "$t1") $((peak / 1024))"
}

echo "== JDBC source -> broker (JSON), from worker start to the last record in the topic"
read -r pg_rate pg_rss < <(load pg-bench "jdbc:postgresql://127.0.0.1:$pg_port/ec" ec_uriage ecsales_)
echo "PostgreSQL: $pg_rate rows/s, peak worker RSS $pg_rss MB"
read -r my_rate my_rss < <(load my-bench "jdbc:mysql://127.0.0.1:$my_port/pos" pos_uriage possales_)
echo "MariaDB:    $my_rate rows/s, peak worker RSS $my_rss MB"
python3 - "$pg_rate" "$pg_limit" "$my_rate" "$my_limit" <<'PY'
import sys
f = lambda s: float(s.replace(",", ""))
pr, pl, mr, ml = map(f, sys.argv[1:])
print(f"ratio to the export limit: PostgreSQL {pr/pl:.0%}, MariaDB {mr/ml:.0%}")
PY
