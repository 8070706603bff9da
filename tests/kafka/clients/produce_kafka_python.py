#!/usr/bin/python3
"""Produces the golden messages to topic `golden` with kafka-python's KafkaProducer and prints the
record metadata of each. Exit status 0 only if every send succeeded.

Usage: produce_kafka_python.py HOST:PORT [auto|X.Y.Z]
  auto (default): the producer probes the broker (ApiVersions v0 + Metadata v0) and infers its version
  from our advertised ranges; X.Y.Z: api_version=(X, Y, Z), no probing.
"""
import logging
import sys

from kafka import KafkaProducer

# Keep in sync with kExpectedMessages in clients_test.cc.
MESSAGES = [
    (b"k1", b"v1", []),
    (b"k2", b"hello golden", []),
    (b"k3", b"v3", [("h1", b"hv1")]),
]


def main():
    logging.basicConfig(level=logging.WARNING)
    mode = sys.argv[2] if len(sys.argv) > 2 else "auto"
    api_version = None if mode == "auto" else tuple(int(p) for p in mode.split("."))
    producer = KafkaProducer(
        bootstrap_servers=sys.argv[1],
        client_id="sluice-golden-kafka-python",
        api_version=api_version,
        request_timeout_ms=10000,
        max_block_ms=15000,
        api_version_auto_timeout_ms=10000,
    )
    print("api_version in use: %s" % (producer.config["api_version"],))
    futures = [producer.send("golden", key=k, value=v, headers=h) for k, v, h in MESSAGES]
    producer.flush(20)
    ok = 0
    for f in futures:
        md = f.get(timeout=20)
        print("delivered %s [%d] @ %d" % (md.topic, md.partition, md.offset))
        ok += 1
    producer.close(5)
    print("delivered %d of %d" % (ok, len(MESSAGES)))
    return 0 if ok == len(MESSAGES) else 1


if __name__ == "__main__":
    sys.exit(main())
