#!/usr/bin/python3
"""Produces the golden messages to topic `golden` with confluent_kafka (librdkafka) and prints one
delivery report per message. Exit status 0 only if every message was delivered.

Usage: produce_confluent_kafka.py HOST:PORT
"""
import sys

from confluent_kafka import Producer

# Keep in sync with kExpectedMessages in clients_test.cc.
MESSAGES = [
    (b"k1", b"v1", None),
    (b"k2", b"hello golden", None),
    (b"k3", b"v3", [("h1", b"hv1")]),
]


def main():
    producer = Producer({
        "bootstrap.servers": sys.argv[1],
        "client.id": "sluice-golden-confluent-kafka",
        "message.timeout.ms": 15000,
        "socket.timeout.ms": 10000,
    })
    delivered = []

    def on_delivery(err, msg):
        if err is not None:
            print("delivery failed: %s" % err)
        else:
            print("delivered %s [%d] @ %d key=%s" % (msg.topic(), msg.partition(), msg.offset(), msg.key()))
            delivered.append(msg)

    for key, value, headers in MESSAGES:
        producer.produce("golden", value=value, key=key, headers=headers, on_delivery=on_delivery)
    remaining = producer.flush(20)
    print("delivered %d of %d, %d still queued" % (len(delivered), len(MESSAGES), remaining))
    return 0 if len(delivered) == len(MESSAGES) else 1


if __name__ == "__main__":
    sys.exit(main())
