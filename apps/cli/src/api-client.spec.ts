import { describe, expect, it } from '@jest/globals';
import { ApiClient, ApiError, serverMessage } from './api-client.js';

describe('serverMessage', () => {
  it("takes Nest's message, joining a list of validation errors", () => {
    expect(serverMessage('{"statusCode":404,"message":"job job-1 not found","error":"Not Found"}', 'Not Found')).toBe('job job-1 not found');
    expect(serverMessage('{"statusCode":400,"message":["training.epochs must be an integer number","name too long"]}', 'Bad Request')).toBe('training.epochs must be an integer number; name too long');
  });

  it('falls back to the error, the text, then the status text', () => {
    expect(serverMessage('{"error":"Bad Gateway"}', 'x')).toBe('Bad Gateway');
    expect(serverMessage('upstream down\n', 'Bad Gateway')).toBe('upstream down');
    expect(serverMessage('', 'Service Unavailable')).toBe('Service Unavailable');
  });
});

describe('ApiError', () => {
  it('carries the status and the server message', () => {
    const err = new ApiError('GET', '/jobs/x', 400, 'id must be a job id');
    expect(err.status).toBe(400);
    expect(err.serverMessage).toBe('id must be a job id');
    expect(err.message).toBe('GET /jobs/x failed with HTTP 400: id must be a job id');
  });
});

describe('ApiClient.fromEnv', () => {
  it('takes --url over TUSK_URL over the default, without a trailing slash', () => {
    expect(ApiClient.fromEnv({}).baseUrl).toBe('http://127.0.0.1:8080');
    expect(ApiClient.fromEnv({ TUSK_URL: 'http://driver:9000/' }).baseUrl).toBe('http://driver:9000');
    expect(ApiClient.fromEnv({ TUSK_URL: 'http://driver:9000' }, { url: 'http://other:1' }).baseUrl).toBe('http://other:1');
  });
});
