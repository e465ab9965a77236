import { connect } from '@nats-io/transport-node';

/**
 * The raw request-reply baseline of bench:ps: a plain NATS responder in its own process (as the parameter
 * server is) that answers every request on ECHO_SUBJECT with a small JSON ack and does nothing with the body.
 */
const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'bench-echo' });
const subject = process.env.ECHO_SUBJECT ?? 'bench.echo';
nc.subscribe(subject, {
  callback: (err, msg) => {
    if (err) return;
    msg.respond(JSON.stringify({ ok: true, bytes: msg.data.byteLength, aligned: msg.data.byteOffset % 4 === 0 }));
  },
});
await nc.flush();
process.stdout.write('ready\n');
const stop = () => void nc.drain().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
