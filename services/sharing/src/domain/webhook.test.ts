import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, forbiddenAddress } from './webhook-target';
import { signDelivery, verifyDelivery } from './webhook-signature';

describe('webhook targets', () => {
  it('refuses loopback, private, link-local, CGNAT, reserved and mapped addresses', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1']) {
      expect(forbiddenAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2400:3200::1']) expect(forbiddenAddress(address), address).toBe(false);
  });

  it('accepts only https URLs on registered hosts', () => {
    expect(checkWebhookUrl('https://hooks.water.example/in', ['hooks.water.example']).hostname).toBe('hooks.water.example');
    expect(() => checkWebhookUrl('http://hooks.water.example/in', ['hooks.water.example'])).toThrow(/https/);
    expect(() => checkWebhookUrl('https://evil.example/in', ['hooks.water.example'])).toThrow(/not a host registered/);
    expect(() => checkWebhookUrl('https://127.0.0.1/in', ['127.0.0.1'])).toThrow(/loopback/);
    expect(() => checkWebhookUrl('https://[::1]/in', ['::1'])).toThrow(/loopback/);
    expect(() => checkWebhookUrl('https://u:p@hooks.water.example/', ['hooks.water.example'])).toThrow(/credentials/);
  });
});

describe('webhook signatures', () => {
  it('verifies within the tolerance, and refuses a changed body, another secret or an old timestamp', () => {
    const header = signDelivery('s3cret', '{"a":1}', 1_750_000_000);
    expect(verifyDelivery('s3cret', '{"a":1}', header, 1_750_000_010)).toBe(true);
    expect(verifyDelivery('s3cret', '{"a":2}', header, 1_750_000_010)).toBe(false);
    expect(verifyDelivery('other', '{"a":1}', header, 1_750_000_010)).toBe(false);
    expect(verifyDelivery('s3cret', '{"a":1}', header, 1_750_000_000 + 301)).toBe(false);
  });
});
