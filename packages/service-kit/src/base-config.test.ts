import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseConfig, parseConfig, splitHostPort } from './base-config';

const schema = baseConfig({ service: 'alerting', adminAddress: '127.0.0.1:8092' }).extend({ DATABASE_URL: z.string().min(1) });

describe('base configuration', () => {
  it('fills every service default and keeps what the service adds', () => {
    const config = parseConfig(schema, { KAFKA_BROKERS: '127.0.0.1:9092', DATABASE_URL: 'postgres://x' });
    expect(config).toEqual({
      SERVICE_NAME: 'alerting',
      LOG_LEVEL: 'info',
      KAFKA_BROKERS: '127.0.0.1:9092',
      TOPIC_PREFIX: '',
      ADMIN_HTTP_ADDRESS: '127.0.0.1:8092',
      CONSUMER_SESSION_TIMEOUT_MS: 30_000,
      SHUTDOWN_GRACE_MS: 10_000,
      DATABASE_URL: 'postgres://x',
    });
  });

  it('names every bad variable at once, and never echoes a value', () => {
    let message = '';
    try {
      parseConfig(schema, { ADMIN_HTTP_ADDRESS: 'nowhere', LOG_LEVEL: 'loud', DATABASE_URL: '' });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of ['KAFKA_BROKERS', 'LOG_LEVEL', 'ADMIN_HTTP_ADDRESS: expected host:port', 'DATABASE_URL']) expect(message).toContain(name);
    expect(message).not.toContain('nowhere');
    expect(message).not.toContain('loud');
  });

  it('splits host:port at the last colon', () => {
    expect(splitHostPort('127.0.0.1:8092')).toEqual({ host: '127.0.0.1', port: 8092 });
    expect(splitHostPort('[::1]:50051')).toEqual({ host: '[::1]', port: 50051 });
  });
});
