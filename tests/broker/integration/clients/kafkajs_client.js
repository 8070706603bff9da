// kafkajs 2.2.4 driver for the broker integration tests (client_scenarios_test.cc); the same
// subcommands and output lines as kafka_python_client.py ("TAG field ..." per fact, exit status 0 only
// on success).
// Message i has key "k-<i>" and the binary value value(i) (ExpectedValue in client_scripts.cc).
//
//   produce BOOTSTRAP TOPIC FIRST COUNT     -> "produced COUNT"
//   consume BOOTSTRAP TOPIC COUNT [GROUP]   kafkajs has no group-less consumer: without GROUP a fresh
//       group that never commits reads from the beginning; with GROUP prints "committed_before P O"
//       (admin fetchOffsets), "rec P O KEYHEX VALUEHEX" for the first COUNT records, commits exactly
//       those and prints "committed P O".
//   group BOOTSTRAP TOPIC GROUP PHASE1 FIRST2 COUNT2   as in kafka_python_client.py
//   create BOOTSTRAP TOPIC PARTITIONS [NAME=VALUE ...] / delete BOOTSTRAP TOPIC / list BOOTSTRAP /
//   describe BOOTSTRAP TOPIC                -> "created T" / "exists T" / "deleted T" / "error T MESSAGE" /
//       "topic NAME PARTITIONS" / "config NAME VALUE"
//
// Usage: node kafkajs_client.js ... (kafkajs resolves from the repository's node_modules).
'use strict';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const { Kafka, logLevel, ConfigResourceTypes } = require('kafkajs');

const DEADLINE_MS = 40000;

function value(i) {
  const bytes = [];
  for (let j = 0; j < i % 64; ++j) bytes.push((i * 31 + j) % 256);
  return Buffer.concat([Buffer.from(`v-${i}-`), Buffer.from(bytes)]);
}

function out(...fields) {
  process.stdout.write(fields.join(' ') + '\n');
}

function client(bootstrap) {
  return new Kafka({
    clientId: 'sluice-it-kafkajs',
    brokers: [bootstrap],
    logLevel: logLevel.WARN,
    connectionTimeout: 5000,
    requestTimeout: 10000,
    retry: { retries: 5, initialRetryTime: 100 },
  });
}

function consumerOptions(groupId) {
  return {
    groupId,
    sessionTimeout: 6000,
    rebalanceTimeout: 10000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 200,
    allowAutoTopicCreation: false,
  };
}

async function waitFor(what, cond) {
  const deadline = Date.now() + DEADLINE_MS;
  while (Date.now() < deadline) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timeout waiting for ${what}`);
}

async function produce(bootstrap, topic, first, count) {
  const producer = client(bootstrap).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const messages = [];
  for (let i = first; i < first + count; ++i) messages.push({ key: `k-${i}`, value: value(i) });
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
  out('produced', count);
}

async function consume(bootstrap, topic, count, group) {
  const kafka = client(bootstrap);
  const groupId = group || `plain-${process.pid}-${Date.now()}`;
  if (group) {
    const admin = kafka.admin();
    await admin.connect();
    for (const t of await admin.fetchOffsets({ groupId, topics: [topic] })) {
      for (const p of t.partitions) out('committed_before', p.partition, p.offset);
    }
    await admin.disconnect();
  }
  const consumer = kafka.consumer(consumerOptions(groupId));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const processed = new Map();
  let got = 0;
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (got === count) return;
      out('rec', partition, message.offset, message.key.toString('hex'), message.value.toString('hex'));
      processed.set(partition, BigInt(message.offset) + 1n);
      ++got;
    },
  });
  await waitFor('records', () => got === count);
  if (group) {
    const offsets = [...processed].map(([partition, o]) => ({ topic, partition, offset: o.toString() }));
    await consumer.commitOffsets(offsets);
    offsets.sort((a, b) => a.partition - b.partition);
    for (const o of offsets) out('committed', o.partition, o.offset);
  }
  await consumer.disconnect();
}

async function group(bootstrap, topic, groupId, phase1, first2, count2) {
  const kafka = client(bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  await admin.disconnect();
  const partitions = meta.topics[0].partitions.map((p) => p.partitionId);
  const seen = new Set();
  const members = [];
  for (let index = 0; index < 3; ++index) {
    const consumer = kafka.consumer(consumerOptions(groupId));
    const member = { index, consumer, assigned: [] };
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      member.assigned = (e.payload.memberAssignment[topic] || []).slice().sort((a, b) => a - b);
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommitInterval: 200,
      eachMessage: async ({ partition, message }) => {
        const i = Number(message.key.toString().split('-')[1]);
        out('rec', index, partition, message.offset, i);
        seen.add(i);
      },
    });
    members.push(member);
  }
  const ownsAll = (ms) => {
    const all = ms.flatMap((m) => m.assigned);
    return ms.every((m) => m.assigned.length > 0) && all.length === partitions.length &&
        new Set(all).size === partitions.length && partitions.every((p) => all.includes(p));
  };
  await waitFor('phase1 assignment', () => ownsAll(members));
  for (const m of members) out('assigned', 1, m.index, m.assigned.join(','));
  await waitFor('phase1 records', () => [...Array(phase1).keys()].every((i) => seen.has(i)));
  await members[2].consumer.disconnect();
  out('left', 2);
  const rest = members.slice(0, 2);
  // A member's assignment is only replaced when it rejoins, so also wait for both to have rejoined.
  await waitFor('phase2 assignment', () => ownsAll(rest));
  for (const m of rest) out('assigned', 2, m.index, m.assigned.join(','));
  await produce(bootstrap, topic, first2, count2);
  await waitFor('phase2 records', () => {
    for (let i = first2; i < first2 + count2; ++i) if (!seen.has(i)) return false;
    return true;
  });
  for (const m of rest) await m.consumer.disconnect();
}

async function admin(bootstrap, fn) {
  const a = client(bootstrap).admin();
  await a.connect();
  try {
    await fn(a);
  } finally {
    await a.disconnect();
  }
}

async function main(argv) {
  const [cmd, bootstrap, ...args] = argv;
  switch (cmd) {
    case 'produce':
      return produce(bootstrap, args[0], Number(args[1]), Number(args[2]));
    case 'consume':
      return consume(bootstrap, args[0], Number(args[1]), args[2]);
    case 'group':
      return group(bootstrap, args[0], args[1], Number(args[2]), Number(args[3]), Number(args[4]));
    case 'create':
      return admin(bootstrap, async (a) => {
        const configEntries = args.slice(2).map((kv) => {
          const eq = kv.indexOf('=');
          return { name: kv.slice(0, eq), value: kv.slice(eq + 1) };
        });
        try {
          // Resolves to false when the topic already exists.
          const created = await a.createTopics({
            topics: [{ topic: args[0], numPartitions: Number(args[1]), replicationFactor: 1, configEntries }],
          });
          out(created ? 'created' : 'exists', args[0]);
        } catch (e) {
          out('error', args[0], e.type || e.name, ...(e.errors || []).map((x) => x.type));
        }
      });
    case 'delete':
      return admin(bootstrap, async (a) => {
        await a.deleteTopics({ topics: [args[0]] });
        out('deleted', args[0]);
      });
    case 'list':
      return admin(bootstrap, async (a) => {
        const names = await a.listTopics();
        const meta = await a.fetchTopicMetadata({ topics: names });
        for (const t of meta.topics) out('topic', t.name, t.partitions.length);
      });
    case 'describe':
      return admin(bootstrap, async (a) => {
        const r = await a.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: args[0] }],
        });
        for (const res of r.resources) {
          if (res.errorCode !== 0) out('error', res.resourceName, res.errorCode);
          for (const c of res.configEntries) out('config', c.configName, c.configValue);
        }
      });
    default:
      throw new Error(`unknown command ${cmd}`);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    out('failed', String(err && err.stack ? err.stack : err).replace(/\n/g, ' | '));
    process.exit(1);
  });
