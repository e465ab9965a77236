import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import {
  fromConsumer,
  inQueueGroup,
  JetStreamClientProxy,
  JetStreamContext,
  JetStreamRecord,
  JetStreamServer,
  NatsRequestContext,
  RetryMessage,
  TerminateMessage,
} from '@tusk/messaging';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { eventually, suiteNats } from '../harness/test-env.js';

const STREAM = 'T';
const CONSUMER = 'C';
const ACK_WAIT_MS = 1_000;

/** What the handler saw: one entry per delivery. */
interface Delivery {
  id: string;
  action: string;
  delivery: number;
  seq: number;
  aborted?: boolean;
}
const deliveries: Delivery[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

@Controller()
class TestController {
  /**
   * `action` says how the handler ends: ok (returns), fail (throws), term, retry, slow (outlives the ack wait), gone
   * (waits to be aborted).
   */
  @EventPattern<string>('t.>', fromConsumer(STREAM, CONSUMER))
  async handle(@Payload() data: { id: string; action: string }, @Ctx() ctx: JetStreamContext): Promise<void> {
    const entry: Delivery = { id: data.id, action: data.action, delivery: ctx.getDeliveryCount(), seq: ctx.getStreamSequence() };
    deliveries.push(entry);
    if (data.action === 'fail') throw new Error('boom');
    if (data.action === 'term') throw new TerminateMessage('poison');
    if (data.action === 'retry') throw new RetryMessage('later', 100);
    if (data.action === 'slow') await sleep(ACK_WAIT_MS * 2.5);
    if (data.action === 'gone') {
      while (!ctx.getSignal().aborted) await sleep(50);
      entry.aborted = true;
      throw new Error('aborted');
    }
  }

  @MessagePattern<string>('rpc.*', inQueueGroup('rpc-group'))
  answer(@Payload() data: { n: number }, @Ctx() ctx: NatsRequestContext): { doubled: number; subject: string } {
    if (data.n < 0) throw new Error('negative');
    return { doubled: data.n * 2, subject: ctx.getSubject() };
  }
}

@Module({ controllers: [TestController] })
class TestModule {}

describe('JetStreamServer: handler outcomes map to ack / nak / term (real nats-server)', () => {
  let nats: LocalNats;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let app: INestMicroservice;
  let client: JetStreamClientProxy;

  const startApp = async (graceMs = 5_000) => {
    const server = new JetStreamServer({
      connection: () => ({ nc, js, jsm }),
      ackWaitMs: ACK_WAIT_MS,
      graceMs,
      goneCheckMs: 200,
      fetchExpiresMs: 1_000,
    });
    const started = await NestFactory.createMicroservice(TestModule, { strategy: server, logger: false });
    await started.listen();
    return started;
  };
  const publish = (id: string, action: string) => client.publishToStream(`t.${id}`, { id, action });
  const seen = (id: string) => deliveries.filter((d) => d.id === id);

  beforeAll(async () => {
    nats = await suiteNats();
    nc = await connect({ servers: nats.url });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: STREAM, subjects: ['t.>'], retention: RetentionPolicy.Workqueue });
    await jsm.consumers.add(STREAM, {
      durable_name: CONSUMER,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ACK_WAIT_MS * 1e6,
      max_deliver: 5,
    });
    client = new JetStreamClientProxy(() => ({ nc, js, jsm }));
    app = await startApp();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await nc?.close();
    await nats?.process.stop();
  });

  beforeEach(() => {
    deliveries.length = 0;
  });

  it('acks a message whose handler returned: delivered once, gone from the stream', async () => {
    const ack = await publish('ok-1', 'ok');
    await eventually(async () => seen('ok-1').length === 1 && (await jsm.streams.getMessage(STREAM, { seq: ack.seq })) === null, {
      timeoutMs: 5_000,
      what: 'ack',
    });
    await sleep(ACK_WAIT_MS * 1.5);
    expect(seen('ok-1')).toHaveLength(1);
  });

  it('naks a message whose handler threw, with backoff, and redelivers it counting deliveries', async () => {
    await publish('fail-1', 'fail');
    await eventually(async () => seen('fail-1').length >= 2, { timeoutMs: 10_000, what: 'a redelivery' });
    const [first, second] = seen('fail-1');
    // Usually 1 then 2; a redelivery that lands on a pull request just as it expires is counted and comes back once more.
    expect(first.delivery).toBe(1);
    expect(second.delivery).toBeGreaterThan(1);
    expect(second.seq).toBe(first.seq);
    // Stop it failing forever: term it out of the stream.
    await jsm.streams.deleteMessage(STREAM, first.seq).catch(() => undefined);
  });

  it('takes the delay of a RetryMessage instead of the default backoff', async () => {
    const started = Date.now();
    await publish('retry-1', 'retry');
    await eventually(async () => seen('retry-1').length >= 3, { timeoutMs: 5_000, what: 'two quick redeliveries' });
    // The default backoff would wait 1 s, then 2 s before the third delivery.
    expect(Date.now() - started).toBeLessThan(2_500);
    await jsm.streams.deleteMessage(STREAM, seen('retry-1')[0].seq).catch(() => undefined);
  });

  it('terms a message whose handler threw TerminateMessage: never delivered again', async () => {
    const ack = await publish('term-1', 'term');
    await eventually(async () => seen('term-1').length === 1, { timeoutMs: 5_000, what: 'a delivery' });
    await sleep(ACK_WAIT_MS * 2);
    expect(seen('term-1')).toHaveLength(1);
    expect(await jsm.streams.getMessage(STREAM, { seq: ack.seq })).toBeNull();
  });

  it('terms a malformed message without calling the handler', async () => {
    const ack = await js.publish('t.malformed', '{not json');
    await eventually(async () => (await jsm.streams.getMessage(STREAM, { seq: ack.seq })) === null, { timeoutMs: 5_000, what: 'the term' });
    expect(deliveries).toHaveLength(0);
  });

  it('keeps a handler that outlives the ack wait alive with working(): delivered once, then acked', async () => {
    const ack = await publish('slow-1', 'slow');
    await eventually(async () => (await jsm.streams.getMessage(STREAM, { seq: ack.seq })) === null, { timeoutMs: 10_000, what: 'the ack' });
    expect(seen('slow-1')).toHaveLength(1);
  });

  it('aborts the handler once its message left the stream, and leaves the message alone', async () => {
    const ack = await publish('gone-1', 'gone');
    await eventually(async () => seen('gone-1').length === 1, { timeoutMs: 5_000, what: 'a delivery' });
    await jsm.streams.deleteMessage(STREAM, ack.seq);
    await eventually(async () => seen('gone-1')[0].aborted === true, { timeoutMs: 5_000, what: 'the abort' });
    await sleep(ACK_WAIT_MS * 1.5);
    expect(seen('gone-1')).toHaveLength(1);
  });

  it('dedupes a publish sent twice with one msgID', async () => {
    const first = await lastValueFrom(client.emit('t.dup', new JetStreamRecord({ id: 'dup', action: 'ok' }, { msgID: 'dup-1' })));
    const second = await lastValueFrom(client.emit('t.dup', new JetStreamRecord({ id: 'dup', action: 'ok' }, { msgID: 'dup-1' })));
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);
    await eventually(async () => seen('dup').length === 1, { timeoutMs: 5_000, what: 'a delivery' });
  });

  it('answers a core-NATS request with what the handler returned, and a failure with its error', async () => {
    expect(await lastValueFrom(client.send('rpc.double', { n: 21 }))).toEqual({ doubled: 42, subject: 'rpc.double' });
    const failed = await client.requestReply<{ error: string }>('rpc.double', { n: -1 });
    expect(typeof failed.error).toBe('string');
  });

  it('on close, hands a message still in hand after the grace period back for redelivery', async () => {
    await app.close();
    app = await startApp(300);
    await publish('stop-1', 'slow');
    await eventually(async () => seen('stop-1').length === 1, { timeoutMs: 5_000, what: 'a delivery' });
    await app.close();
    app = await startApp();
    await eventually(async () => seen('stop-1').length === 2, { timeoutMs: 10_000, what: 'the redelivery' });
    expect(seen('stop-1')[1].delivery).toBe(2);
  });
});
