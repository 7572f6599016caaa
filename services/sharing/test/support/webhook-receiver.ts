import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { verifyDelivery } from '../../src/domain/webhook-signature';

/** A directory with a fresh self-signed certificate for localhost (key.pem, cert.pem), for NODE_EXTRA_CA_CERTS. */
export function selfSignedCertDir(name: string): string {
  const certDir = mkdtempSync(join(tmpdir(), `${name}-`));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore' });
  return certDir;
}

export interface Received {
  path: string;
  id: string;
  /** The delivery header: `<subscription>:<record seq>`. */
  delivery: string;
  signed: boolean;
}

/**
 * An https receiver with a self-signed certificate the service is told to trust: /good verifies, /slow verifies after
 * `slowMs`, /fail fails, /redirect redirects.
 */
export function startWebhookReceiver(certDir: string, secrets: Map<string, string>, slowMs = 0): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer({ key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) }, (request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const path = request.url ?? '';
      const secret = secrets.get(path.split('?')[0] ?? '') ?? '';
      const signed = verifyDelivery(secret, body, request.headers['x-ecogrid-signature'] as string | undefined, Math.floor(Date.now() / 1000));
      const id = body ? String((JSON.parse(body) as { id?: string }).id) : '';
      received.push({ path, id, delivery: String(request.headers['x-ecogrid-delivery'] ?? ''), signed });
      if (path.startsWith('/good')) response.writeHead(signed ? 204 : 401).end();
      else if (path.startsWith('/slow')) setTimeout(() => response.writeHead(signed ? 204 : 401).end(), slowMs);
      else if (path.startsWith('/redirect')) response.writeHead(302, { location: `https://127.0.0.1:${(server.address() as AddressInfo).port}/trap` }).end();
      else response.writeHead(500).end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, received })));
}
