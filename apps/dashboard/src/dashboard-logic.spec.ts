import { describe, expect, it } from '@jest/globals';
import type { JobEvent } from '@tusk/contracts';
import { TuskApiError } from '@tusk/client';
import { applyEvent } from './pages/job/live-job.js';
import { layersOf } from './pages/job/model-layers.js';
import { jobBodyOf, numberOrText, parseModel } from './pages/job-form.js';
import { syntheticJob, syntheticRound } from '../../../bench/lib/synthetic-job.js';

describe("dashboard: the driver's errors by field", () => {
  it('places a 422 by its field and 400 messages by their leading property path', () => {
    const unprocessable = TuskApiError.fromBody(
      422,
      JSON.stringify({ statusCode: 422, field: 'model', message: "model: the model's input shape [7] does not fit" }),
    );
    expect(unprocessable.messageFor('model')).toContain('input shape');
    const bad = TuskApiError.fromBody(
      400,
      JSON.stringify({ message: ['training.epochs must not be less than 1', 'datasetId must be a dataset id'] }),
    );
    expect(bad.messageFor('training.epochs')).toBe('training.epochs must not be less than 1');
    expect(bad.messageFor('datasetId')).toBe('datasetId must be a dataset id');
    expect(bad.messageFor('training')).toBe('training.epochs must not be less than 1');
    expect(bad.messageFor('model')).toBeUndefined();
    expect(TuskApiError.fromBody(502, '', { statusText: 'Bad Gateway' }).message).toBe('Bad Gateway');
  });
});

describe('dashboard: the new-job form', () => {
  const form = (fields: Record<string, string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.set(k, v);
    return f;
  };

  it('builds the POST /jobs body, leaving empty fields to the driver and sending non-numbers as typed', () => {
    const body = jobBodyOf(
      form({
        name: 'x',
        model: '{"class_name":"Sequential","config":{"layers":[]}}',
        datasetId: 'ds-1',
        'compile.optimizer': 'adam',
        'compile.learningRate': '0.02',
        'compile.loss': 'categorical_crossentropy',
        'compile.metrics': 'accuracy, mse',
        'training.mode': 'synchronous',
        'training.epochs': '3',
        'training.batchSize': '',
        'training.partitions': 'two',
        'training.roundsPerEpoch': '4',
        'training.pushEvery': '5',
      }),
    );
    expect(body).toEqual({
      name: 'x',
      model: { class_name: 'Sequential', config: { layers: [] } },
      datasetId: 'ds-1',
      compile: {
        optimizer: { className: 'adam', config: { learning_rate: 0.02 } },
        loss: 'categorical_crossentropy',
        metrics: ['accuracy', 'mse'],
      },
      training: { mode: 'synchronous', epochs: 3, partitions: 'two', roundsPerEpoch: 4 },
    });
    expect(numberOrText(' 1e-3 ')).toBe(0.001);
  });

  it('takes a whole tfjs model.json and refuses text that is not JSON, naming the model field', () => {
    expect(parseModel('{"modelTopology":{"class_name":"Sequential"},"weightsManifest":[]}')).toEqual({ class_name: 'Sequential' });
    expect(() => parseModel('{')).toThrow(/model: not valid JSON/);
    let refused: unknown;
    try {
      parseModel('[1]');
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(TuskApiError);
    expect((refused as TuskApiError).messageFor('model')).toBe('model must be a JSON object');
  });

  it('lists the layers of Sequential and functional topologies', () => {
    expect(
      layersOf({
        class_name: 'Sequential',
        config: { layers: [{ class_name: 'Dense', config: { name: 'd', units: 3, activation: 'relu' } }] },
      }),
    ).toEqual([{ name: 'd', type: 'Dense', settings: 'units=3, activation="relu"' }]);
    expect(layersOf({ modelTopology: { config: [{ className: 'Dropout', config: { rate: 0.5 } }] } })).toEqual([
      { name: 'layer_0', type: 'Dropout', settings: 'rate=0.5' },
    ]);
  });
});

describe('dashboard: live updates', () => {
  it('appends each round once and takes the status and progress of every event', () => {
    const job = syntheticJob({ id: 'job-x', rounds: 2, workers: 2, totalRounds: 4 });
    const record = syntheticRound(3, 2);
    const event: JobEvent = {
      jobId: 'job-x',
      type: 'round',
      status: 'running',
      round: 3,
      totalRounds: 4,
      progress: 0.75,
      etaSeconds: 2,
      record,
      at: '',
    };
    const once = applyEvent(job, event);
    expect(once.history.map((r) => r.round)).toEqual([1, 2, 3]);
    expect(applyEvent(once, event).history).toHaveLength(3);
    const done = applyEvent(once, { ...event, type: 'status', status: 'succeeded', record: undefined });
    expect(done).toMatchObject({ status: 'succeeded', round: 3, progress: 0.75 });
    expect(job.history).toHaveLength(2);
  });
});
