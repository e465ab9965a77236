import { connect } from '@nats-io/transport-node';

/**
 * A plain core-NATS responder for the transfer bench, run as its own process (as nats-server is for KV):
 * `node ack-responder.js <nats-url> <subject-prefix> <pull-bytes>`.
 * `<prefix>.push`: replies a 2-byte ack to any payload; `<prefix>.pull`: replies `<pull-bytes>` bytes.
 * Prints `ready` once both subscriptions are registered with the server.
 */
const [url, prefix, pullBytes] = process.argv.slice(2);
const nc = await connect({ servers: url, name: 'bench-ack-responder' });
const ack = new TextEncoder().encode('ok');
const payload = new Uint8Array(Number(pullBytes));
for (let i = 0; i < payload.length; i += 4096) payload[i] = i & 0xff;
const push = nc.subscribe(`${prefix}.push`);
const pull = nc.subscribe(`${prefix}.pull`);
void (async () => {
  for await (const m of push) m.respond(ack);
})();
void (async () => {
  for await (const m of pull) m.respond(payload);
})();
await nc.flush();
console.log('ready');
process.on('SIGTERM', () => {
  void nc.drain().finally(() => process.exit(0));
});
