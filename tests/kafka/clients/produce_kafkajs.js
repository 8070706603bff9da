// Produces the golden messages to topic `golden` with kafkajs and prints the send result.
// Exit status 0 only if connect, send and disconnect all succeeded.
//
// Usage: node produce_kafkajs.js HOST:PORT   (kafkajs resolves from the repository's node_modules)
'use strict';

const { Kafka, logLevel } = require('kafkajs');

// Keep in sync with kExpectedMessages in clients_test.cc.
const MESSAGES = [
  { key: 'k1', value: 'v1' },
  { key: 'k2', value: 'hello golden' },
  { key: 'k3', value: 'v3', headers: { h1: 'hv1' } },
];

async function main() {
  const kafka = new Kafka({
    clientId: 'sluice-golden-kafkajs',
    brokers: [process.argv[2]],
    logLevel: logLevel.WARN,
    connectionTimeout: 5000,
    requestTimeout: 10000,
    retry: { retries: 2 },
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const result = await producer.send({ topic: 'golden', acks: -1, messages: MESSAGES });
  console.log('send result: ' + JSON.stringify(result));
  await producer.disconnect();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('kafkajs failed: ' + (err && err.stack ? err.stack : err));
    process.exit(1);
  });
