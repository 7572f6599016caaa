import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a receiver accepts a signed delivery after its timestamp: older ones are replays. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * `X-EcoGrid-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The timestamp is inside the MAC, so
 * it cannot be refreshed on a captured request; receivers refuse old timestamps and may remember event ids.
 */
export function signDelivery(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

/** The receiver's side, as documented to partners (and used by the tests' receiver). */
export function verifyDelivery(secret: string, body: string, header: string | undefined, nowSeconds: number): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signDelivery(secret, body, timestamp).slice(-64), 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2] as string, 'hex'));
}
