import { describe, expect, it } from 'vitest';
import { kafkaCredentialsFrom } from './create-kafka';

describe('kafkaCredentialsFrom', () => {
  it('is none when nothing is set: the plaintext local listener', () => {
    expect(kafkaCredentialsFrom({})).toBeUndefined();
  });

  it('reads a SCRAM user', () => {
    expect(kafkaCredentialsFrom({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'alerting', KAFKA_SASL_PASSWORD: 's3cret' })).toEqual({
      mechanism: 'scram-sha-512',
      username: 'alerting',
      password: 's3cret',
    });
  });

  it('refuses half a configuration, naming what is missing and never the password', () => {
    const attempt = () => kafkaCredentialsFrom({ KAFKA_SASL_USERNAME: 'alerting', KAFKA_SASL_PASSWORD: 'hunter2-secret' });
    expect(attempt).toThrow(/KAFKA_SASL_MECHANISM unset/);
    expect(attempt).not.toThrow(/hunter2/);
  });

  it('refuses a mechanism other than SCRAM (PLAIN would send the password in clear on a plaintext listener)', () => {
    expect(() => kafkaCredentialsFrom({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD: 'b' })).toThrow(/expected scram-sha-256 or scram-sha-512/);
  });
});
