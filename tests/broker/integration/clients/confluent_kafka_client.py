#!/usr/bin/python3
"""confluent_kafka (librdkafka) driver for the broker integration tests (idempotent_producer_test.cc,
client_scenarios_test.cc); "TAG field ..." output lines as kafka_python_client.py, exit status 0 only
on success.

  idempotent-produce BOOTSTRAP TOPIC COUNT PROGRESS_FILE GO_FILE
      enable.idempotence=True producer of values b"seq-<i>", i in 0..COUNT-1, with key b"k-<i % 8>"
      (these spread over 2 partitions), sent in small bursts; after every delivery report it rewrites
      PROGRESS_FILE with the number delivered so far (the test restarts the broker once that passes a
      threshold). The second half is only sent once GO_FILE exists (the test creates it after the
      restart), so the stream always spans the restart. Prints "resumed_at COUNT/2", then
      "delivered N queued M", and "failed VALUE ERROR" per failed message.
  consume BOOTSTRAP TOPIC COUNT      assign() every partition from the beginning; prints
      "rec PARTITION OFFSET KEY VALUE" (as text) for COUNT records, then "eof" if no more follow.
  create BOOTSTRAP TOPIC PARTITIONS [NAME=VALUE ...] / delete BOOTSTRAP TOPIC / list BOOTSTRAP /
  describe BOOTSTRAP TOPIC   -> "created T" / "deleted T" / "error T CODE" /
      "topic NAME PARTITIONS" / "config NAME VALUE"
"""
import os
import sys
import time

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

DEADLINE_S = 40


def out(*fields):
    print(" ".join(str(f) for f in fields), flush=True)


def idempotent_produce(bootstrap, topic, count, progress_file, go_file):
    producer = Producer({
        "bootstrap.servers": bootstrap,
        "enable.idempotence": True,
        "linger.ms": 2,
        "message.timeout.ms": DEADLINE_S * 1000,
        "reconnect.backoff.ms": 50,
        "reconnect.backoff.max.ms": 200,
        "retry.backoff.ms": 50,
    })
    delivered = [0]
    failed = []

    def on_delivery(err, msg):
        if err is not None:
            failed.append(msg.value())
            out("failed", msg.value().decode(), str(err).replace(" ", "_"))
            return
        delivered[0] += 1
        tmp = progress_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(delivered[0]))
        os.replace(tmp, progress_file)

    for i in range(count):
        if i == count // 2:
            deadline = time.time() + DEADLINE_S
            while not os.path.exists(go_file) and time.time() < deadline:
                producer.poll(0.05)
            out("resumed_at", i)
        while True:
            try:
                producer.produce(topic, key=b"k-%d" % (i % 8), value=b"seq-%d" % i, on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.05)
        if i % 50 == 49:
            producer.poll(0.02)  # spread the stream over time, so that the restart hits it mid-way
    remaining = producer.flush(DEADLINE_S)
    out("delivered", delivered[0], "queued", remaining)
    return 0 if delivered[0] == count and not failed else 1


def consume(bootstrap, topic, count):
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "unused-assign-only",
        "enable.auto.commit": False,
        "enable.partition.eof": True,
    })
    md = consumer.list_topics(topic, timeout=10)
    partitions = sorted(md.topics[topic].partitions)
    consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
    got, eof = 0, set()
    deadline = time.time() + DEADLINE_S
    while time.time() < deadline and (got < count or len(eof) < len(partitions)):
        msg = consumer.poll(0.2)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == KafkaError._PARTITION_EOF:
                eof.add(msg.partition())
                continue
            out("error", msg.error())
            return 1
        eof.discard(msg.partition())
        out("rec", msg.partition(), msg.offset(), msg.key().decode(), msg.value().decode())
        got += 1
    consumer.close()
    if got >= count and len(eof) == len(partitions):
        out("eof")
    return 0


def check(futures, verb):
    ok = True
    for name, f in futures.items():
        try:
            f.result(DEADLINE_S)
            out(verb, name)
        except Exception as e:
            err = e.args[0] if e.args else e
            out("error", name, err.name() if hasattr(err, "name") else repr(err).replace(" ", "_"))
            ok = False
    return ok


def main(argv):
    cmd, bootstrap = argv[1], argv[2]
    if cmd == "idempotent-produce":
        return idempotent_produce(bootstrap, argv[3], int(argv[4]), argv[5], argv[6])
    if cmd == "consume":
        return consume(bootstrap, argv[3], int(argv[4]))
    client = AdminClient({"bootstrap.servers": bootstrap})  # must outlive the futures
    if cmd == "create":
        configs = dict(a.split("=", 1) for a in argv[5:])
        check(client.create_topics([NewTopic(argv[3], int(argv[4]), 1, config=configs)]), "created")
    elif cmd == "delete":
        check(client.delete_topics([argv[3]]), "deleted")
    elif cmd == "list":
        md = client.list_topics(timeout=10)
        for name, t in sorted(md.topics.items()):
            out("topic", name, len(t.partitions))
    elif cmd == "describe":
        futures = client.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, argv[3])])
        for f in futures.values():
            for entry in f.result(DEADLINE_S).values():
                out("config", entry.name, entry.value)
    elif cmd == "sources":
        # "source NAME VALUE SOURCE" and "synonym NAME SYNONYM SOURCE" (sources as Kafka's ids).
        futures = client.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, argv[3])])
        for f in futures.values():
            for entry in f.result(DEADLINE_S).values():
                out("source", entry.name, entry.value, int(entry.source))
                for syn in entry.synonyms.values():
                    out("synonym", entry.name, syn.name, int(syn.source))
    else:
        out("usage", cmd)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
