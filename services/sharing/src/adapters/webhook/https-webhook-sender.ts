import { lookup } from 'node:dns/promises';
import { request } from 'node:https';
import { isIP } from 'node:net';
import { invalidArgument } from '@ecogrid/domain-errors';
import type { WebhookSender } from '../../app/ports';
import { forbiddenAddress } from '../../domain/webhook-target';

export type Resolve = (host: string) => Promise<Array<{ address: string; family: number }>>;

export interface HttpsWebhookSenderOptions {
  timeoutMs: number;
  /** Names allowed to resolve to private addresses: for tests and local demos only (refused in production). */
  allowPrivateHosts?: readonly string[];
  resolve?: Resolve;
}

/**
 * Delivers over https to the address that was checked, never to one resolved later: the name is resolved once, every
 * address it gives is checked (one private address refuses the host), and the connection goes to the first one with
 * the name kept for SNI and certificate verification — so a name re-pointed between check and connect (DNS
 * rebinding) cannot reach inside. Redirects are answers, never followed.
 */
export function createHttpsWebhookSender(options: HttpsWebhookSenderOptions): WebhookSender {
  const resolve: Resolve = options.resolve ?? ((host) => lookup(host, { all: true, verbatim: true }));
  const allowed = new Set((options.allowPrivateHosts ?? []).map((host) => host.toLowerCase()));
  const checkedAddress = async (host: string): Promise<{ address: string; family: number }> => {
    const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolve(host);
    if (addresses.length === 0) throw invalidArgument('url', `${host} does not resolve`, 'webhook_unresolvable');
    if (!allowed.has(host.toLowerCase())) {
      const inside = addresses.find((candidate) => forbiddenAddress(candidate.address));
      if (inside) throw invalidArgument('url', `${host} resolves to a loopback, private or reserved address`, 'webhook_private_address');
    }
    return addresses[0] as { address: string; family: number };
  };
  return {
    checkHost: async (host) => {
      await checkedAddress(host);
    },
    send: async (rawUrl, body, headers) => {
      const url = new URL(rawUrl);
      if (url.protocol !== 'https:') throw new Error('webhooks are delivered over https only');
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const target = await checkedAddress(host);
      return new Promise<number>((resolveStatus, reject) => {
        const outgoing = request(
          {
            host: target.address,
            family: target.family,
            port: url.port ? Number(url.port) : 443,
            path: `${url.pathname}${url.search}`,
            method: 'POST',
            ...(isIP(host) ? {} : { servername: host }),
            headers: { ...headers, host: url.host, 'content-length': Buffer.byteLength(body) },
            timeout: options.timeoutMs,
          },
          (response) => {
            response.resume();
            response.on('end', () => resolveStatus(response.statusCode ?? 0));
            response.on('error', reject);
          },
        );
        outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
        outgoing.on('error', reject);
        outgoing.end(body);
      });
    },
  };
}
