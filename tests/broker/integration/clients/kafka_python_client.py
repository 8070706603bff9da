#!/usr/bin/python3
"""kafka-python 2.0.2 driver for the broker integration tests (client_scenarios_test.cc).

Each subcommand prints one line per fact, "TAG field ...", which the C++ test parses; exit status 0
only if the scenario completed. Message i has key b"k-<i>" and the binary value built by value(i)
(kept in sync with ExpectedValue in client_scripts.cc).

  produce BOOTSTRAP TOPIC FIRST COUNT          -> "sent PARTITION OFFSET INDEX" per message
  consume BOOTSTRAP TOPIC COUNT [GROUP]        -> "committed_before PARTITION OFFSET" (group only),
      "rec PARTITION OFFSET KEYHEX VALUEHEX" for the first COUNT records, then (group only) commits
      exactly those and prints "committed PARTITION OFFSET". Without GROUP: assign() all partitions.
  group BOOTSTRAP TOPIC GROUP PHASE1 FIRST2 COUNT2
      three members in one group; waits until they own all partitions ("assigned 1 MEMBER P,P"),
      until messages 0..PHASE1-1 are consumed, closes member 2 ("left 2"), waits until members 0
      and 1 own all partitions ("assigned 2 ..."), produces FIRST2..FIRST2+COUNT2-1 and waits until
      they are consumed. Every record: "rec MEMBER PARTITION OFFSET INDEX".
  create BOOTSTRAP TOPIC PARTITIONS [NAME=VALUE ...] -> "created TOPIC" or "error TOPIC CODE"
  delete BOOTSTRAP TOPIC                       -> "deleted TOPIC" or "error TOPIC CODE"
  list BOOTSTRAP                               -> "topic NAME PARTITIONS" per topic
  describe BOOTSTRAP TOPIC                     -> "config NAME VALUE" per config of the topic
"""
import logging
import sys
import threading
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

DEADLINE_S = 40  # each wait; the C++ side kills the whole process later than this


def value(i):
    return b"v-%d-" % i + bytes((i * 31 + j) % 256 for j in range(i % 64))


OUT_LOCK = threading.Lock()


def out(*fields):
    # One write per line under a lock: print() from several threads can interleave within lines.
    with OUT_LOCK:
        sys.stdout.write(" ".join(str(f) for f in fields) + "\n")
        sys.stdout.flush()


def produce(bootstrap, topic, first, count):
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", request_timeout_ms=10000,
                             max_block_ms=15000, linger_ms=5)
    futures = [(i, producer.send(topic, key=b"k-%d" % i, value=value(i)))
               for i in range(first, first + count)]
    producer.flush(30)
    for i, f in futures:
        md = f.get(timeout=30)
        out("sent", md.partition, md.offset, i)
    producer.close(5)


def consumer_config(bootstrap, group):
    return dict(bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
                enable_auto_commit=False, session_timeout_ms=6000, heartbeat_interval_ms=500,
                request_timeout_ms=11000, fetch_max_wait_ms=200, consumer_timeout_ms=DEADLINE_S * 1000)


def consume(bootstrap, topic, count, group=None):
    consumer = KafkaConsumer(**consumer_config(bootstrap, group))
    if group is None:
        parts = None
        deadline = time.time() + DEADLINE_S
        while not parts and time.time() < deadline:
            parts = consumer.partitions_for_topic(topic)
        consumer.assign([TopicPartition(topic, p) for p in sorted(parts)])
    else:
        consumer.subscribe([topic])
    processed = {}
    got = 0
    deadline = time.time() + DEADLINE_S
    reported = False
    while got < count and time.time() < deadline:
        batches = consumer.poll(timeout_ms=200)
        if group is not None and not reported and consumer.assignment():
            for tp in sorted(consumer.assignment()):
                out("committed_before", tp.partition, consumer.committed(tp))
            reported = True
        for tp, records in sorted(batches.items()):
            for r in records:
                if got == count:
                    break
                out("rec", r.partition, r.offset, r.key.hex(), r.value.hex())
                processed[tp] = r.offset + 1
                got += 1
    if got < count:
        out("timeout", got)
        return 1
    if group is not None:
        consumer.commit({tp: OffsetAndMetadata(o, "") for tp, o in processed.items()})
        for tp, o in sorted(processed.items()):
            out("committed", tp.partition, o)
    consumer.close(autocommit=False)
    return 0


class Member(threading.Thread):
    """One group member polling in its own thread (kafka-python joins inside poll())."""

    def __init__(self, index, bootstrap, topic, group, seen, lock):
        super().__init__(daemon=True)
        self.index = index
        self.consumer = KafkaConsumer(**consumer_config(bootstrap, group))
        self.consumer.subscribe([topic])
        self.seen, self.lock = seen, lock
        self.stop = threading.Event()
        self.assigned = frozenset()
        self.error = None

    def run(self):
        try:
            while not self.stop.is_set():
                batches = self.consumer.poll(timeout_ms=100)
                with self.lock:
                    for records in batches.values():
                        for r in records:
                            index = int(r.key.decode().split("-")[1])
                            out("rec", self.index, r.partition, r.offset, index)
                            self.seen.add(index)
                self.assigned = frozenset(tp.partition for tp in self.consumer.assignment())
                if batches:
                    try:
                        self.consumer.commit()
                    except Exception as e:  # a rebalance in between: the next owner re-reads
                        out("commit_failed", self.index, type(e).__name__)
            self.consumer.close(autocommit=False)
        except Exception as e:
            self.error = repr(e)
            out("member_error", self.index, repr(e).replace("\n", " "))


def wait_for(what, cond):
    deadline = time.time() + DEADLINE_S
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    out("timeout", what)
    return False


def owns_all(members, partitions):
    sets = [m.assigned for m in members]
    return (all(sets) and sum(len(s) for s in sets) == len(partitions)
            and frozenset().union(*sets) == partitions)


def group(bootstrap, topic, group_id, phase1, first2, count2):
    seen, lock = set(), threading.Lock()
    members = [Member(i, bootstrap, topic, group_id, seen, lock) for i in range(3)]
    partitions = frozenset(members[0].consumer.partitions_for_topic(topic) or ())
    for m in members:
        m.start()
    if not wait_for("phase1 assignment", lambda: owns_all(members, partitions)):
        return 1
    for m in members:
        out("assigned", 1, m.index, ",".join(str(p) for p in sorted(m.assigned)))
    if not wait_for("phase1 records", lambda: all(i in seen for i in range(phase1))):
        return 1
    members[2].stop.set()
    members[2].join(DEADLINE_S)
    out("left", 2)
    rest = members[:2]
    if not wait_for("phase2 assignment",
                    lambda: owns_all(rest, partitions)):
        return 1
    for m in rest:
        out("assigned", 2, m.index, ",".join(str(p) for p in sorted(m.assigned)))
    produce(bootstrap, topic, first2, count2)
    if not wait_for("phase2 records", lambda: all(i in seen for i in range(first2, first2 + count2))):
        return 1
    for m in rest:
        m.stop.set()
    for m in rest:
        m.join(DEADLINE_S)
    errors = [m.error for m in members if m.error]
    return 1 if errors else 0


def create(bootstrap, topic, partitions, configs):
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    try:
        resp = admin.create_topics([NewTopic(topic, partitions, 1, topic_configs=configs)])
        for name, code, *_ in resp.topic_errors:
            out("created", name) if code == 0 else out("error", name, code)
    except KafkaError as e:  # raised for a topic error (e.g. TOPIC_ALREADY_EXISTS)
        out("error", topic, e.errno)
    admin.close()


def delete(bootstrap, topic):
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    try:
        resp = admin.delete_topics([topic])
        for name, code in resp.topic_error_codes:
            out("deleted", name) if code == 0 else out("error", name, code)
    except KafkaError as e:
        out("error", topic, e.errno)
    admin.close()


def list_topics(bootstrap):
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    names = admin.list_topics()
    for t in admin.describe_topics(names):
        out("topic", t["topic"], len(t["partitions"]))
    admin.close()


def describe(bootstrap, topic):
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    for resp in admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)]):
        for code, message, _, name, entries in resp.resources:
            if code != 0:
                out("error", name, code)
            for entry in entries:
                out("config", entry[0], entry[1])
    admin.close()


def main(argv):
    logging.basicConfig(level=logging.WARNING)
    cmd, bootstrap = argv[1], argv[2]
    if cmd == "produce":
        produce(bootstrap, argv[3], int(argv[4]), int(argv[5]))
    elif cmd == "consume":
        return consume(bootstrap, argv[3], int(argv[4]), argv[5] if len(argv) > 5 else None)
    elif cmd == "group":
        return group(bootstrap, argv[3], argv[4], int(argv[5]), int(argv[6]), int(argv[7]))
    elif cmd == "create":
        create(bootstrap, argv[3], int(argv[4]), dict(a.split("=", 1) for a in argv[5:]))
    elif cmd == "delete":
        delete(bootstrap, argv[3])
    elif cmd == "list":
        list_topics(bootstrap)
    elif cmd == "describe":
        describe(bootstrap, argv[3])
    else:
        out("usage", cmd)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
