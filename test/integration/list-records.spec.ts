import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { listRecords } from '../../apps/driver/src/jobs/cas-update.js';
import { suiteNats } from '../harness/test-env.js';

describe('listRecords on a real KV bucket', () => {
  let nats: LocalNats;
  let nc: NatsConnection;
  let kv: KV;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    nats = await suiteNats();
    nc = await connect({ servers: nats.url });
    kv = await new Kvm(nc).create('list-records-test', { history: 1 });
    jsm = await jetstreamManager(nc);
  }, 60_000);

  afterAll(async () => {
    await nc?.close();
    await nats?.process.stop();
  });

  it('lists each record once while records are being updated (kv.keys() repeats or misses a key updated as it lists)', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `job-${String(i).padStart(2, '0')}`);
    const record = (id: string, n: number) => JSON.stringify({ id, n, createdAt: `2026-11-26T00:00:${id.slice(-2)}.000Z` });
    for (const id of ids) await kv.put(`job.${id}`, record(id, 0));
    let writing = true;
    const writer = (async () => {
      for (let n = 1; writing; n++) await Promise.all(ids.map((id) => kv.put(`job.${id}`, record(id, n))));
    })();
    try {
      for (let attempt = 0; attempt < 20; attempt++) {
        const listed = await listRecords<{ id: string; createdAt: string }>({ kv, jsm, bucket: 'list-records-test', filter: 'job.*' });
        expect(listed.map((r) => r.id).sort()).toEqual(ids);
      }
    } finally {
      writing = false;
      await writer;
    }
  }, 60_000);

  it('leaves out deleted and purged records, and keys outside the filter', async () => {
    const record = (id: string) => JSON.stringify({ id, createdAt: '2026-11-26T00:00:00.000Z' });
    for (const id of ['kept', 'deleted', 'purged']) await kv.put(`sweep.${id}`, record(id));
    await kv.put('other.kept', record('other'));
    await kv.delete('sweep.deleted');
    await kv.purge('sweep.purged');
    const listed = await listRecords<{ id: string; createdAt: string }>({ kv, jsm, bucket: 'list-records-test', filter: 'sweep.*' });
    expect(listed.map((r) => r.id)).toEqual(['kept']);
  });
});
