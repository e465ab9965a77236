import { describe, expect, it } from '@jest/globals';
import { serverMomentumStep } from './server-momentum.js';

const f32 = (values: number[]) => Float32Array.from(values);

describe('serverMomentumStep (FedAvgM)', () => {
  it('is plain FedAvg in the first round (zero velocity) and with beta 0', () => {
    const base = f32([1, 2, 3]);
    const averaged = f32([1.5, 1.75, 3]);
    const first = serverMomentumStep({ base, averaged, velocity: null, beta: 0.9 });
    expect([...first.weights]).toEqual([1.5, 1.75, 3]);
    expect([...first.velocity]).toEqual([0.5, -0.25, 0]);
    const plain = serverMomentumStep({ base, averaged, velocity: f32([4, 4, 4]), beta: 0 });
    expect([...plain.weights]).toEqual([1.5, 1.75, 3]);
  });

  it('adds beta times the previous velocity to the averaged delta: v ← βv + Δ, w ← w + v', () => {
    const base = f32([1, 2, -1]);
    const averaged = f32([1.5, 1.75, -1]);
    const { weights, velocity } = serverMomentumStep({ base, averaged, velocity: f32([0.5, -0.25, 1]), beta: 0.5 });
    // Δ = [0.5, -0.25, 0]; v = 0.5·[0.5, -0.25, 1] + Δ = [0.75, -0.375, 0.5]
    expect([...velocity]).toEqual([0.75, -0.375, 0.5]);
    expect([...weights]).toEqual([1.75, 1.625, -0.5]);
  });

  it('compounds over rounds: a constant delta d approaches d / (1 − β) per round', () => {
    let weights: Float32Array = f32([0]);
    let velocity: Float32Array | null = null;
    const steps: number[] = [];
    for (let round = 0; round < 4; round++) {
      const averaged = f32([weights[0] + 1]);
      ({ weights, velocity } = serverMomentumStep({ base: weights, averaged, velocity, beta: 0.5 }));
      steps.push(velocity[0]);
    }
    expect(steps).toEqual([1, 1.5, 1.75, 1.875]);
    expect(weights[0]).toBe(6.125);
  });

  it('refuses buffers of different lengths', () => {
    expect(() => serverMomentumStep({ base: f32([1]), averaged: f32([1, 2]), velocity: null, beta: 0.5 })).toThrow(
      'averaged weights have 2 values, the base 1',
    );
    expect(() => serverMomentumStep({ base: f32([1]), averaged: f32([1]), velocity: f32([1, 2]), beta: 0.5 })).toThrow(
      'the velocity has 2 values, the weights 1',
    );
  });
});
