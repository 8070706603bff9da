#!/usr/bin/python3
"""Whole-process Connect benchmark (run with Debian's /usr/bin/python3).

Starts `sluice broker` and a `connect-standalone` worker on throwaway dirs, then measures:
  * REST start-up: exec of the worker to the first 200 from GET / (best of several runs);
  * source -> broker: the Generator source (no I/O) through JsonConverter (schemas.enable=false,
    ~100-byte values) into the broker: records/s and MB/s until the topic holds N records;
  * broker -> sink: a CountingSink reading them back (until its group committed N);
  * the worker's CPU seconds per million records and its peak RSS; its RSS with three connectors idle.
Usage: bench/connect_bench.py [N]   (default 2000000)
"""
import json, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "bin", "sluice")
N = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def http(port, method, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return 0, b""


def proc_stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    mem = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, v = line.split(":", 1)
            if k in ("VmRSS", "VmHWM"):
                mem[k] = int(v.split()[0]) / 1024
    return cpu, mem


def main():
    from confluent_kafka import Consumer, TopicPartition
    d = tempfile.mkdtemp(prefix="sluice-connect-bench-")
    bport, rport = free_port(), free_port()
    procs = []
    try:
        with open(f"{d}/server.properties", "w") as f:
            f.write(f"listeners=PLAINTEXT://127.0.0.1:{bport}\nlog.dirs={d}/data\nnum.partitions=1\n")
        procs.append(subprocess.Popen([BIN, "broker", f"{d}/server.properties"], stdout=open(f"{d}/broker.log", "w"),
                                      stderr=subprocess.STDOUT))
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", bport), 0.1).close()
                break
            except OSError:
                time.sleep(0.02)
        with open(f"{d}/worker.properties", "w") as f:
            f.write(f"bootstrap.servers=127.0.0.1:{bport}\nlisteners=http://127.0.0.1:{rport}\n"
                    f"offset.storage.file.filename={d}/offsets.txt\noffset.flush.interval.ms=1000\n"
                    "key.converter=org.apache.kafka.connect.storage.StringConverter\n"
                    "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
                    "value.converter.schemas.enable=false\n")

        # Start-up: exec -> REST ready, best of 5.
        best = None
        for _ in range(5):
            t0 = time.perf_counter()
            w = subprocess.Popen([BIN, "connect-standalone", f"{d}/worker.properties"],
                                 stdout=open(f"{d}/worker.log", "a"), stderr=subprocess.STDOUT)
            while True:
                try:
                    s = socket.create_connection(("127.0.0.1", rport), 0.05)
                    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if s.recv(64).startswith(b"HTTP/1.1 200"):
                        s.close()
                        break
                    s.close()
                except OSError:
                    pass
                time.sleep(0.001)
            dt = (time.perf_counter() - t0) * 1000
            best = dt if best is None else min(best, dt)
            w.terminate()
            w.wait()
        print(f"REST ready after exec: {best:.1f} ms (best of 5)")

        worker = subprocess.Popen([BIN, "connect-standalone", f"{d}/worker.properties"],
                                  stdout=open(f"{d}/worker.log", "a"), stderr=subprocess.STDOUT)
        procs.append(worker)
        while http(rport, "GET", "/")[0] != 200:
            time.sleep(0.01)
        c = Consumer({"bootstrap.servers": f"127.0.0.1:{bport}", "group.id": "bench-probe"})
        vsize = 100
        for tasks in (1, 2):
            topic = f"bench{tasks}"
            total = N * tasks  # each task writes N
            cpu0, _ = proc_stat(worker.pid)
            code, body = http(rport, "POST", "/connectors", {"name": f"gen{tasks}", "config": {
                "connector.class": "Generator", "topic": topic, "tasks.max": str(tasks), "record.size": "100",
                "batch.size": "5000", "max.records": str(N)}})
            assert code == 201, body
            t0 = time.perf_counter()
            while True:
                try:
                    lo, hi = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=1)
                except Exception:
                    hi = 0
                if hi >= total:
                    break
                time.sleep(0.02)
            src_s = time.perf_counter() - t0
            cpu1, mem1 = proc_stat(worker.pid)
            if tasks == 1:  # the value size on the wire: read one record
                c.assign([TopicPartition(topic, 0, 0)])
                m = c.poll(10)
                vsize = len(m.value()) if m is not None and m.value() is not None else 100
            print(f"source -> broker, tasks.max={tasks}: {total} records of {vsize} B in {src_s:.2f} s: "
                  f"{total / src_s:,.0f} records/s, {total * vsize / src_s / 1e6:.1f} MB/s; "
                  f"worker CPU {(cpu1 - cpu0) / (total / 1e6):.2f} s per million")
        cpu1, _ = proc_stat(worker.pid)
        code, body = http(rport, "POST", "/connectors", {"name": "count", "config": {
            "connector.class": "CountingSink", "topics": "bench1", "tasks.max": "1"}})
        assert code == 201, body
        t0 = time.perf_counter()
        while True:
            c2 = Consumer({"bootstrap.servers": f"127.0.0.1:{bport}", "group.id": "connect-count"})
            got = c2.committed([TopicPartition("bench1", 0)], timeout=5)
            c2.close()
            if got and got[0].offset >= N:
                break
            time.sleep(0.05)
        sink_s = time.perf_counter() - t0
        cpu2, mem2 = proc_stat(worker.pid)
        print(f"broker -> sink: {N} records in {sink_s:.2f} s (incl. up to 1 s commit interval): "
              f"{N / sink_s:,.0f} records/s, {N * vsize / sink_s / 1e6:.1f} MB/s; "
              f"worker CPU {(cpu2 - cpu1) / (N / 1e6):.2f} s per million")
        print(f"worker peak RSS during the runs: {mem2['VmHWM']:.1f} MB")
        c.close()
        worker.terminate()
        worker.wait()
        procs.remove(worker)

        # Idle RSS with three connectors.
        worker = subprocess.Popen([BIN, "connect-standalone", f"{d}/worker.properties"],
                                  stdout=open(f"{d}/worker.log", "a"), stderr=subprocess.STDOUT)
        procs.append(worker)
        while http(rport, "GET", "/")[0] != 200:
            time.sleep(0.01)
        open(f"{d}/in.txt", "w").write("a\nb\nc\n")
        for name, cfg in [("file-src", {"connector.class": "FileStreamSource", "file": f"{d}/in.txt", "topic": "idle"}),
                          ("file-sink", {"connector.class": "FileStreamSink", "file": f"{d}/out.txt", "topics": "idle"}),
                          ("gen-idle", {"connector.class": "Generator", "topic": "idle2", "max.records": "1000"})]:
            assert http(rport, "POST", "/connectors", {"name": name, "config": cfg})[0] == 201
        time.sleep(5)
        _, mem = proc_stat(worker.pid)
        print(f"worker RSS with three connectors running: {mem['VmRSS']:.1f} MB (peak {mem['VmHWM']:.1f} MB)")
    finally:
        for p in procs:
            p.terminate()
            p.wait()
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
