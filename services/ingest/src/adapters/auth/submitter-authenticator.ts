import { createHash, timingSafeEqual } from 'node:crypto';
import type { Submitter } from '../../app/submit-observations';

export interface SubmitterAuthenticator {
  /** From the `authorization` and `x-device-password` headers (HTTP) or metadata (gRPC); undefined when neither is usable. */
  authenticate(headers: { authorization?: string | undefined; devicePassword?: string | undefined }): Submitter | undefined;
}

/**
 * Gateways present a bearer token; only its SHA-256 is configured (`INGEST_GATEWAY_TOKENS=name:hex,…`), so the
 * configuration holds no usable secret. A device may instead present its own HJ 212 password, which the use
 * case checks against each item's device.
 */
export function createSubmitterAuthenticator(gatewayTokenHashes: ReadonlyMap<string, string>): SubmitterAuthenticator {
  const entries = [...gatewayTokenHashes].map(([name, hex]) => ({ name, digest: Buffer.from(hex, 'hex') }));
  return {
    authenticate: ({ authorization, devicePassword }) => {
      if (authorization?.startsWith('Bearer ')) {
        const digest = createHash('sha256').update(authorization.slice('Bearer '.length).trim()).digest();
        const gateway = entries.find((entry) => entry.digest.length === digest.length && timingSafeEqual(entry.digest, digest));
        return gateway ? { kind: 'gateway', gateway: gateway.name } : undefined;
      }
      if (devicePassword) return { kind: 'device', password: devicePassword };
      return undefined;
    },
  };
}

/** Parses `name:sha256hex,name:sha256hex`. */
export function parseGatewayTokens(text: string | undefined): Map<string, string> {
  const tokens = new Map<string, string>();
  for (const entry of (text ?? '').split(',').map((part) => part.trim()).filter(Boolean)) {
    const [name, hex] = entry.split(':');
    if (!name || !hex || !/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`INGEST_GATEWAY_TOKENS entry "${name ?? entry}" must be name:<64 hex digits>`);
    tokens.set(name, hex.toLowerCase());
  }
  return tokens;
}
