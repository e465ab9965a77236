import type { PubAck } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { JetStreamConnection } from './jetstream-server.js';
import { encodeReply, errorText } from './reply-codec.js';

export interface RecordOptions {
  /** `Nats-Msg-Id`: JetStream drops a second publish with the same id inside the stream's duplicate window. */
  msgID?: string;
  headers?: MsgHdrs;
  /** Request timeout (`send`), default 5 s. */
  timeoutMs?: number;
}

/** What `emit`/`send` take when a message needs more than its body: a dedupe id, headers, a timeout. */
export class JetStreamRecord<T = unknown> {
  constructor(
    readonly data: T,
    readonly options: RecordOptions = {},
  ) {}
}

const unwrapRecord = (data: unknown): { body: unknown; options: RecordOptions } =>
  data instanceof JetStreamRecord ? { body: data.data, options: data.options } : { body: data, options: {} };

/**
 * The client side of `JetStreamServer`: `emit(subject, data)` publishes to JetStream and completes with the
 * stream's ack (a `JetStreamRecord` adds a msgID for dedupe); `send(subject, data)` is a core-NATS request whose
 * JSON reply it emits. Bodies are encoded as the server decodes them (bytes and strings as is, else JSON).
 */
export class JetStreamClientProxy extends ClientProxy {
  constructor(private readonly connection: () => JetStreamConnection) {
    super();
  }

  /** Publishes `data` to `subject` in JetStream and resolves with the stream's ack; what `emit` runs. */
  async publishToStream(subject: string, data: unknown, options: RecordOptions = {}): Promise<PubAck> {
    return this.connection().js.publish(subject, encodeReply(data), { msgID: options.msgID, headers: options.headers });
  }

  /** A core-NATS request to `subject`, resolved with the reply decoded from JSON; what `send` runs. */
  async requestReply<R>(subject: string, data: unknown, options: RecordOptions = {}): Promise<R> {
    const reply = await this.connection().nc.request(subject, encodeReply(data), {
      timeout: options.timeoutMs ?? 5_000,
      headers: options.headers,
    });
    return reply.json<R>();
  }

  async connect(): Promise<JetStreamConnection> {
    return this.connection();
  }

  /** The connection belongs to the app (its `Infra`), which closes it. */
  close(): void {}

  on(): never {
    throw new Error('JetStreamClientProxy has no events to listen to; watch the connection instead');
  }

  unwrap<T>(): T {
    return this.connection() as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const { body, options } = unwrapRecord(packet.data);
    this.requestReply(packet.pattern, body, options).then(
      (response) => callback({ response, isDisposed: true }),
      (err) => callback({ err: errorText(err), isDisposed: true }),
    );
    return () => undefined;
  }

  protected async dispatchEvent<T = PubAck>(packet: ReadPacket): Promise<T> {
    const { body, options } = unwrapRecord(packet.data);
    return (await this.publishToStream(packet.pattern, body, options)) as T;
  }
}
