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
  /** Its rows of the day, read when it was admitted. */
  rowsUsed?: { day: string; rows: number };
  /** The access version noted before the partner's credentials were looked up (see `confirmedLater`). */
  accessVersion: number;
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

export interface AuthenticateOptions {
  /**
   * Requests whose use case confirms the access version itself (the pull, with its page): their credentials are
   * answered from memory without a sync first. Every other request syncs the access view before it is looked at.
   */
  confirmedLater?: (request: Request) => boolean;
}

/**
 * Who is calling: a partner by `X-Api-Key` (or `Authorization: ApiKey …`) or by a client-credentials token, or staff
 * by a staff token. A partner's request is admitted against its per-second quota here, before any work is done.
 */
export function authenticate(app: SharingApp, staff: TokenVerifier, options: AuthenticateOptions = {}): RequestHandler {
  return async (request, _response, next) => {
    const fresh = !(options.confirmedLater?.(request) ?? false);
    const accessVersion = app.authenticate.accessVersion();
    const authorization = request.headers.authorization;
    const apiKey = request.header('x-api-key') ?? /^ApiKey\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    let actor: Actor;
    if (apiKey) {
      actor = await app.authenticate.byKey(apiKey, fresh);
    } else {
      const token = bearerToken(authorization);
      if (!token) throw unauthenticated('send X-Api-Key or Authorization: Bearer', 'no_credentials');
      if (audienceOf(token).includes(PARTNER_TOKEN_AUDIENCE)) {
        actor = await app.authenticate.byToken(token, fresh);
      } else {
        const principal = await staff.verify(token);
        actor = { kind: 'staff', subject: principal.subject, role: principal.role };
      }
    }
    const caller: Caller = actor.kind === 'partner' ? { actor, ...(await app.takeRequest(actor.partnerId)), accessVersion } : { actor, accessVersion };
    (request as WithCaller)[CALLER] = caller;
    next();
  };
}
