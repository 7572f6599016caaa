import type { Request, RequestHandler } from 'express';
import { decodeJwt } from 'jose';
import { bearerToken, type TokenVerifier } from '@ecogrid/staff-auth';
import type { Actor, SharingApp } from '../../app';
import { unauthenticated } from '../../app/actors';
import type { Partner } from '../../app/ports';
import { PARTNER_TOKEN_AUDIENCE } from '../auth/partner-tokens';

export interface Caller {
  actor: Actor;
  /** The partner as stored, once its request was admitted by its per-second quota. */
  partner?: Partner;
}

const CALLER = Symbol('caller');
type WithCaller = Request & { [CALLER]?: Caller };

export function callerOf(request: Request): Caller {
  const caller = (request as WithCaller)[CALLER];
  if (!caller) throw unauthenticated('no credentials', 'no_credentials');
  return caller;
}

/** Whose audience a bearer token names, without trusting it: only to pick the verifier that then checks it. */
function audienceOf(token: string): string[] {
  try {
    const aud = decodeJwt(token).aud;
    return aud === undefined ? [] : Array.isArray(aud) ? aud : [aud];
  } catch {
    return [];
  }
}

/**
 * Who is calling: a partner by `X-Api-Key` (or `Authorization: ApiKey …`) or by a client-credentials token, or staff
 * by a staff token. A partner's request is admitted against its per-second quota here, before any work is done.
 */
export function authenticate(app: SharingApp, staff: TokenVerifier): RequestHandler {
  return async (request, _response, next) => {
    const authorization = request.headers.authorization;
    const apiKey = request.header('x-api-key') ?? /^ApiKey\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    let actor: Actor;
    if (apiKey) {
      actor = await app.authenticate.byKey(apiKey);
    } else {
      const token = bearerToken(authorization);
      if (!token) throw unauthenticated('send X-Api-Key or Authorization: Bearer', 'no_credentials');
      if (audienceOf(token).includes(PARTNER_TOKEN_AUDIENCE)) {
        actor = await app.authenticate.byToken(token);
      } else {
        const principal = await staff.verify(token);
        actor = { kind: 'staff', subject: principal.subject, role: principal.role };
      }
    }
    const caller: Caller = actor.kind === 'partner' ? { actor, partner: await app.takeRequest(actor.partnerId) } : { actor };
    (request as WithCaller)[CALLER] = caller;
    next();
  };
}
