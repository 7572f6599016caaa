import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import express, { type Express } from 'express';
import type { Logger } from '@ecogrid/telemetry';
import type { ConsoleApp } from '../../app';
import { createApiRoutes } from './api-routes';
import { errorAnswers } from './error-answers';
import { securityHeaders } from './security-headers';
import { sessionIdOf } from './session-cookie';

export interface HttpAppOptions {
  app: ConsoleApp;
  logger: Logger;
  webRoot: string;
  secureCookies: boolean;
  sessionTtlSeconds: number;
  heartbeatMs: number;
}

/** The console's HTTP surface: the JSON API under /api and the built web app for every other GET. Built, not bound. */
export function createHttpApp(options: HttpAppOptions): Express {
  const http = express();
  http.disable('x-powered-by');
  http.set('trust proxy', false);
  http.use(securityHeaders);
  http.use('/api', createApiRoutes(options.app, options));
  // Hashed asset names never change content, so they may be cached for long; index.html never.
  http.use('/assets', express.static(resolve(options.webRoot, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  http.use(express.static(options.webRoot, { index: false, maxAge: 0 }));
  // The page is told whether its cookie holds a live session, so a logged-out visitor gets the login form without
  // a refused API call (which browsers log as an error); the cookie itself stays out of reach of script.
  const indexHtml = readFileSync(resolve(options.webRoot, 'index.html'), 'utf8');
  http.get('/{*path}', async (request, response) => {
    const id = sessionIdOf(request);
    const active = id !== undefined && (await options.app.sessionOf(id)) !== undefined;
    response.set({ 'cache-control': 'no-store', 'content-type': 'text/html; charset=utf-8' });
    response.send(indexHtml.replace('<meta name="ecogrid-session" content="" />', `<meta name="ecogrid-session" content="${active ? 'active' : 'none'}" />`));
  });
  http.use(errorAnswers(options.logger));
  return http;
}
