import { describe, expect, it } from 'vitest';
import { createHttpsWebhookSender } from './https-webhook-sender';

describe('webhook sender address checks (resolver faked, nothing sent)', () => {
  const sender = (answers: Record<string, string[]>, allowPrivateHosts: string[] = []) =>
    createHttpsWebhookSender({ timeoutMs: 1_000, allowPrivateHosts, resolve: async (host) => (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })) });

  it('refuses a name that resolves to any private address, even beside a public one', async () => {
    await expect(sender({ 'rebind.example': ['127.0.0.1'] }).checkHost('rebind.example')).rejects.toThrow(/private/);
    await expect(sender({ 'mixed.example': ['8.8.8.8', '10.0.0.5'] }).checkHost('mixed.example')).rejects.toThrow(/private/);
    await expect(sender({ 'meta.example': ['169.254.169.254'] }).checkHost('meta.example')).rejects.toThrow(/private/);
    await expect(sender({ 'v6.example': ['::ffff:127.0.0.1'] }).checkHost('v6.example')).rejects.toThrow(/private/);
    await expect(sender({}).checkHost('nowhere.example')).rejects.toThrow(/does not resolve/);
    await expect(sender({ 'public.example': ['8.8.8.8'] }).checkHost('public.example')).resolves.toBeUndefined();
  });

  it('lets only the names configured for local use through to private addresses', async () => {
    await expect(sender({ localhost: ['127.0.0.1'] }, ['localhost']).checkHost('localhost')).resolves.toBeUndefined();
    await expect(sender({ other: ['127.0.0.1'] }, ['localhost']).checkHost('other')).rejects.toThrow(/private/);
    await expect(sender({}, ['localhost']).send('https://127.0.0.1/x', '{}', {})).rejects.toThrow(/private/);
    await expect(sender({}).send('http://public.example/x', '{}', {})).rejects.toThrow(/https/);
  });
});
