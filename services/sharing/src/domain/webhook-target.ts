import { invalidArgument } from '@ecogrid/domain-errors';

/**
 * Where a webhook may point: an https URL on one of the partner's registered hosts, never an address inside the
 * platform's own networks. The address check runs on every address the name resolves to, at registration and again
 * before each delivery (a name can be re-pointed after it was checked).
 */
export function checkWebhookUrl(raw: string, registeredHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidArgument('url', 'not a URL', 'bad_webhook_url');
  }
  if (url.protocol !== 'https:') throw invalidArgument('url', 'webhooks are delivered over https only', 'webhook_not_https');
  if (url.username || url.password) throw invalidArgument('url', 'no credentials in a webhook URL', 'bad_webhook_url');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!registeredHosts.map((registered) => registered.toLowerCase()).includes(host)) throw invalidArgument('url', `${host} is not a host registered for this partner`, 'webhook_host_not_registered');
  if (isIP(host) && forbiddenAddress(host)) throw invalidArgument('url', `${host} is a loopback, private or reserved address`, 'webhook_private_address');
  return url;
}

/**
 * 4 or 6 for an IP literal, else 0. Pure (no node:net in the domain): a URL's host has been parsed already, so a
 * host with a colon is an IPv6 literal.
 */
export function isIP(text: string): 0 | 4 | 6 {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (parts) return parts.slice(1).every((part) => Number(part) <= 255) ? 4 : 0;
  return /^[0-9a-f:.]+$/i.test(text) && text.includes(':') ? 6 : 0;
}

const v4 = (address: string): number[] => address.split('.').map(Number);

function forbiddenV4(address: string): boolean {
  const [a = 0, b = 0] = v4(address);
  return (
    a === 0 || // "this" network
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) || // IETF protocol assignments
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast and reserved
  );
}

/** Loopback, private, link-local, CGNAT, multicast and reserved ranges, IPv4 and IPv6 (mapped IPv4 included). */
export function forbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return forbiddenV4(address);
  if (family !== 6) return true;
  const lower = address.toLowerCase();
  const mapped = /^(?:0*:)*:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower) ?? /^::(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped?.[1]) return forbiddenV4(mapped[1]);
  if (/^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(lower)) {
    const [hi = 0, lo = 0] = lower.slice(7).split(':').map((part) => parseInt(part, 16));
    return forbiddenV4(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  if (lower === '::' || lower === '::1') return true;
  const first = parseInt(lower.split(':')[0] || '0', 16);
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xff00) === 0xff00 || // multicast
    lower.startsWith('64:ff9b:') || // NAT64
    lower.startsWith('2001:db8:') // documentation
  );
}
