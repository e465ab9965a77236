import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { PreferredPull } from '@tusk/messaging';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { suiteNats } from '../harness/test-env.js';

const STREAM = 'PP';
const SHARED = 'shared';
const OWN = 'own-w1';

describe('PreferredPull: a worker own consumer first, then the shared one (real nats-server)', () => {
  let nats: LocalNats;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let pull: PreferredPull;
  const ensured: string[] = [];

  /** Takes the next message, acks it, and says which subject it came on. */
  const nextSubject = async (): Promise<string | null> => {
    for (let i = 0; i < 5; i++) {
      const msg = await pull.next();
      if (msg) {
        await msg.ackAck();
        return msg.subject;
      }
    }
    return null;
  };

  beforeAll(async () => {
    nats = await suiteNats();
    nc = await connect({ servers: nats.url });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: STREAM, subjects: ['pp.>'], retention: RetentionPolicy.Workqueue });
    await jsm.consumers.add(STREAM, { durable_name: SHARED, ack_policy: AckPolicy.Explicit, filter_subject: 'pp.*' });
    // The own consumer does not exist yet: the first pull makes it through `ensure`.
    const ensure = async (name: string) => {
      ensured.push(name);
      await jsm.consumers.add(STREAM, { durable_name: OWN, ack_policy: AckPolicy.Explicit, filter_subject: 'pp.*.w1' });
    };
    pull = new PreferredPull({ nc, js, jsm }, { stream: STREAM, names: [OWN, SHARED], bellSubject: 'pp.>', ensure });
  }, 60_000);

  afterAll(async () => {
    pull?.stop();
    await nc?.close();
    await nats?.process.stop();
  });

  it('makes its own consumer when missing, and takes the messages addressed to it before the shared ones', async () => {
    await js.publish('pp.a', 'shared a');
    await js.publish('pp.b.w1', 'addressed b');
    await js.publish('pp.c', 'shared c');
    await js.publish('pp.d.w1', 'addressed d');
    const order: (string | null)[] = [];
    for (let i = 0; i < 4; i++) order.push(await nextSubject());
    expect(order).toEqual(['pp.b.w1', 'pp.d.w1', 'pp.a', 'pp.c']);
    expect(ensured).toEqual([OWN]);
    expect((await jsm.streams.info(STREAM)).state.messages).toBe(0);
  });

  it('wakes at once for a message published while it waits, on either consumer, and gives null after a quiet while', async () => {
    expect(await pull.next()).toBeNull();
    for (const subject of ['pp.e.w1', 'pp.f']) {
      const waiting = nextSubject();
      await new Promise((r) => setTimeout(r, 300));
      const published = performance.now();
      await js.publish(subject, 'late');
      expect(await waiting).toBe(subject);
      // Well under the 1 s a pull held open on the other consumer would cost.
      expect(performance.now() - published).toBeLessThan(500);
    }
  });
});
