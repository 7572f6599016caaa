import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { createTokenVerifier, type TokenVerifier } from '../src';

/** An identity provider's key set served over HTTP, as Keycloak or an OIDC provider publishes it. */
describe('staff tokens from an identity provider (RS256, JWKS)', () => {
  let server: Server;
  let privateKey: CryptoKey;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-key-1', alg: 'RS256', use: 'sig' };
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    verifier = createTokenVerifier({ jwksUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/jwks.json`, issuer: 'https://idp.yanhu.example', audience: 'ecogrid-staff' });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const sign = (key: CryptoKey, kid = 'idp-key-1'): Promise<string> =>
    new SignJWT({ role: 'command_center' })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject('li@yanhu')
      .setIssuer('https://idp.yanhu.example')
      .setAudience('ecogrid-staff')
      .setJti('idp-token-1')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);

  it('accepts a token signed with the provider key and refuses one signed with another key', async () => {
    expect(await verifier.verify(await sign(privateKey))).toMatchObject({ subject: 'li@yanhu', role: 'command_center', tokenId: 'idp-token-1' });
    const stranger = await generateKeyPair('RS256');
    await expect(verifier.verify(await sign(stranger.privateKey))).rejects.toMatchObject({ code: 'UNAUTHENTICATED', reason: 'invalid_token' });
  });
});
