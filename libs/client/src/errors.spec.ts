import { describe, expect, it } from '@jest/globals';
import { TuskApiError } from './errors.js';

describe('TuskApiError.fromBody', () => {
  it("takes Nest's message, a list of validation errors kept one by one", () => {
    const notFound = TuskApiError.fromBody(404, '{"statusCode":404,"message":"job job-1 not found","error":"Not Found"}', {
      method: 'GET',
      path: '/jobs/job-1',
    });
    expect(notFound).toMatchObject({
      status: 404,
      message: 'job job-1 not found',
      messages: ['job job-1 not found'],
      method: 'GET',
      path: '/jobs/job-1',
    });
    const bad = TuskApiError.fromBody(400, '{"statusCode":400,"message":["training.epochs must be an integer number","name too long"]}');
    expect(bad.message).toBe('training.epochs must be an integer number; name too long');
    expect(bad.messages).toHaveLength(2);
  });

  it("names the field: the body's own `field`, else the leading property path of each message", () => {
    const unprocessable = TuskApiError.fromBody(
      422,
      JSON.stringify({ statusCode: 422, field: 'model', message: 'the input shape [7] does not fit' }),
    );
    expect(unprocessable.field).toBe('model');
    expect(unprocessable.messageFor('model')).toBe('the input shape [7] does not fit');
    const bad = TuskApiError.fromBody(
      400,
      JSON.stringify({ message: ['training.epochs must not be less than 1', 'datasetId must be a dataset id'] }),
    );
    expect(bad.field).toBe('training.epochs');
    expect(bad.fields).toEqual({
      'training.epochs': 'training.epochs must not be less than 1',
      datasetId: 'datasetId must be a dataset id',
    });
    expect(bad.messageFor('training')).toBe('training.epochs must not be less than 1');
    expect(bad.messageFor('model')).toBeUndefined();
  });

  it('falls back to the error, the text (cut at 500 characters), then the status text', () => {
    expect(TuskApiError.fromBody(502, '{"error":"Bad Gateway"}').message).toBe('Bad Gateway');
    expect(TuskApiError.fromBody(502, 'upstream down\n', { statusText: 'Bad Gateway' }).message).toBe('upstream down');
    expect(TuskApiError.fromBody(503, '', { statusText: 'Service Unavailable' }).message).toBe('Service Unavailable');
    expect(TuskApiError.fromBody(500, '').message).toBe('HTTP 500');
    expect(TuskApiError.fromBody(500, 'x'.repeat(600)).message).toBe(`${'x'.repeat(500)}…`);
  });

  it('says what failed in its summary', () => {
    const err = TuskApiError.fromBody(400, '{"message":"id must be a job id"}', { method: 'GET', path: '/jobs/x' });
    expect(err.summary).toBe('GET /jobs/x failed with HTTP 400: id must be a job id');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('TuskApiError');
  });
});
