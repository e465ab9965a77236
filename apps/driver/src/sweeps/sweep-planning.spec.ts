import { describe, expect, it } from '@jest/globals';
import { ashaDecision, rungsOf } from './asha.js';
import { checkSpace, gridSize, sampleTrials, SpaceError } from './search-space.js';
import { trialBody } from './trial-body.js';

describe('search space', () => {
  const space = checkSpace({
    'compile.optimizer.config.learning_rate': { type: 'choice', values: [0.1, 0.01] },
    'training.batchSize': { type: 'int', min: 16, max: 18 },
  });

  it('walks a grid in key order, the last key fastest, up to the trial count', () => {
    expect(gridSize(space)).toBe(6);
    expect(sampleTrials(space, { type: 'grid' }, 100).map((p) => Object.values(p))).toEqual([
      [0.1, 16],
      [0.1, 17],
      [0.1, 18],
      [0.01, 16],
      [0.01, 17],
      [0.01, 18],
    ]);
    expect(sampleTrials(space, { type: 'grid' }, 2)).toHaveLength(2);
  });

  it('draws random trials from the seed: the same seed the same trials, within the bounds', () => {
    const random = checkSpace({
      'compile.optimizer.config.learning_rate': { type: 'loguniform', min: 1e-4, max: 1e-1 },
      'training.epochs': { type: 'int', min: 1, max: 3 },
      'training.validationSplit': { type: 'uniform', min: 0.1, max: 0.2 },
    });
    const a = sampleTrials(random, { type: 'random', seed: 5 }, 50);
    expect(sampleTrials(random, { type: 'random', seed: 5 }, 50)).toEqual(a);
    expect(sampleTrials(random, { type: 'random', seed: 6 }, 50)).not.toEqual(a);
    for (const p of a) {
      expect(p['compile.optimizer.config.learning_rate']).toBeGreaterThanOrEqual(1e-4);
      expect(p['compile.optimizer.config.learning_rate']).toBeLessThanOrEqual(1e-1);
      expect([1, 2, 3]).toContain(p['training.epochs']);
    }
    // Log-uniform: about as many draws below 1e-2.5 as above.
    const low = a.filter((p) => (p['compile.optimizer.config.learning_rate'] as number) < 10 ** -2.5).length;
    expect(low).toBeGreaterThan(12);
    expect(low).toBeLessThan(38);
  });

  it('names the dimension that cannot be searched', () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as SpaceError).field;
      }
      return null;
    };
    expect(field(() => checkSpace({ 'training.lr': { type: 'uniform', min: 2, max: 1 } }))).toBe('space.training.lr');
    expect(field(() => checkSpace({ 'training.lr': { type: 'loguniform', min: 0, max: 1 } }))).toBe('space.training.lr');
    expect(field(() => checkSpace({ 'spec.x': { type: 'choice', values: [1] } }))).toBe('space.spec.x');
    expect(field(() => checkSpace({}))).toBe('space');
    expect(
      field(() => sampleTrials(checkSpace({ 'training.validationSplit': { type: 'uniform', min: 0, max: 0.5 } }), { type: 'grid' }, 4)),
    ).toBe('space.training.validationSplit');
  });
});

describe('trial bodies', () => {
  const baseJob = {
    model: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { units: '{{units}}' } }] } },
    compile: { optimizer: { className: 'adam', config: {} }, loss: 'categorical_crossentropy' },
    datasetId: 'ds-1',
    training: { epochs: 2, localEpochs: 2 },
  };

  it('sets paths, fills placeholders with typed values, numbers the name and gives ASHA trials maxRounds rounds', () => {
    const body = trialBody({
      baseJob,
      params: { 'model.units': 32, 'compile.optimizer.config.learning_rate': 0.01, 'training.batchSize': 64 },
      scheduler: { type: 'asha', gracePeriod: 1, reductionFactor: 3, maxRounds: 9 },
      name: 'lr',
      index: 3,
    });
    expect(body).toMatchObject({
      name: 'lr #3',
      compile: { optimizer: { className: 'adam', config: { learning_rate: 0.01 } } },
      training: { batchSize: 64, epochs: 18, localEpochs: 2 },
    });
    expect((body.model as typeof baseJob.model).config.layers[0].config.units).toBe(32);
    expect(baseJob.model.config.layers[0].config.units).toBe('{{units}}');
    // With roundsPerEpoch 4, 9 rounds take ⌈9 / 4⌉ = 3 epochs (12 rounds: ASHA's rungs stay below 9).
    const sliced = trialBody({
      baseJob: { ...baseJob, training: { epochs: 2 } },
      params: { 'training.roundsPerEpoch': 4 },
      scheduler: { type: 'asha', gracePeriod: 1, reductionFactor: 3, maxRounds: 9 },
      name: 'rpe',
      index: 0,
    });
    expect(sliced.training).toEqual({ epochs: 3, roundsPerEpoch: 4 });
  });

  it('refuses a placeholder the model lacks and a path through a non-object', () => {
    expect(() => trialBody({ baseJob, params: { 'model.filters': 8 }, scheduler: { type: 'none' }, name: 's', index: 0 })).toThrow(
      /space.model.filters: baseJob.model has no "\{\{filters\}\}"/,
    );
    expect(() =>
      trialBody({
        baseJob: { ...baseJob, compile: { optimizer: 'adam' } },
        params: { 'compile.optimizer.config.learning_rate': 1 },
        scheduler: { type: 'none' },
        name: 's',
        index: 0,
      }),
    ).toThrow(/space.compile.optimizer.config.learning_rate/);
  });
});

describe('ASHA', () => {
  it('decides at gracePeriod × reductionFactor^k below maxRounds', () => {
    expect(rungsOf({ type: 'asha', gracePeriod: 1, reductionFactor: 3, maxRounds: 9 })).toEqual([1, 3]);
    expect(rungsOf({ type: 'asha', gracePeriod: 2, reductionFactor: 2, maxRounds: 16 })).toEqual([2, 4, 8]);
    expect(rungsOf({ type: 'asha', gracePeriod: 4, reductionFactor: 2, maxRounds: 4 })).toEqual([]);
  });

  it('keeps the top 1/η of what a rung has seen, the first arrival always', () => {
    expect(ashaDecision({ value: 0.5, recorded: [], reductionFactor: 3, mode: 'max' })).toBe('continue');
    expect(ashaDecision({ value: 0.5, recorded: [0.9], reductionFactor: 3, mode: 'max' })).toBe('stop');
    expect(ashaDecision({ value: 0.95, recorded: [0.9, 0.5], reductionFactor: 3, mode: 'max' })).toBe('continue');
    expect(ashaDecision({ value: 0.2, recorded: [0.9, 0.5], reductionFactor: 3, mode: 'min' })).toBe('continue');
    expect(ashaDecision({ value: 0.6, recorded: [0.9, 0.5], reductionFactor: 3, mode: 'min' })).toBe('stop');
    expect(ashaDecision({ value: Number.NaN, recorded: [], reductionFactor: 3, mode: 'max' })).toBe('stop');
  });
});
