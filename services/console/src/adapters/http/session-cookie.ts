import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'ecogrid_console_session';

/** The session id from the Cookie header (no cookie parser needed for one cookie). */
export function sessionIdOf(request: Request): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || undefined;
  }
  return undefined;
}

/** HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure unless on loopback HTTP. */
export function setSessionCookie(response: Response, id: string, options: { secure: boolean; maxAgeSeconds: number }): void {
  response.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure: options.secure, path: '/', maxAge: options.maxAgeSeconds * 1000 });
}

export function clearSessionCookie(response: Response, options: { secure: boolean }): void {
  response.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: options.secure, path: '/' });
}
