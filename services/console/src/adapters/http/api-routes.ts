import { timingSafeEqual } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ConsoleApp, Session } from '../../app';
import { isOfferedAction } from '../../domain/case-actions';
import { CASE_STATUSES } from '../../domain/case-view';
import { isIncidentAction } from '../../domain/emergency-actions';
import { WARNING_LEVELS } from '../../domain/emergency-view';
import { RequestError } from '@ecogrid/domain-errors';
import { streamLiveEvents } from './live-events-stream';
import { clearSessionCookie, sessionIdOf, setSessionCookie } from './session-cookie';

const EVIDENCE_TYPES = new Set(['image/jpeg', 'image/png']);
const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;

const loginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });
const actBody = z.object({
  action: z.string().refine(isOfferedAction, 'not an action the console offers'),
  expectedVersion: z.number().int().positive(),
  note: z.string().max(2_000).optional(),
  targetOfficerId: z.string().max(64).optional(),
});
const caseId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** Emergency ids: warnings and incidents (`INC-…`, drill and alert-derived ids may carry `:` or `.`). */
const emergencyId = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/);
const incidentActBody = z.object({
  action: z.string().refine(isIncidentAction, 'not an incident action the console offers'),
  level: z.enum(['i', 'ii', 'iii', 'iv']).optional(),
  expectedVersion: z.number().int().nonnegative().optional(),
  note: z.string().max(2_000).optional(),
});
const issueWarningBody = z.object({
  level: z.enum(WARNING_LEVELS),
  startsAt: z.iso.datetime({ offset: true }),
  expectedEndAt: z.iso.datetime({ offset: true }).optional(),
  reason: z.string().trim().min(1, '请填写预警发布依据（文号） (the notice is required)').max(500),
});
const liftWarningBody = z.object({ reason: z.string().trim().min(1, '请填写解除依据 (the notice is required)').max(500) });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RequestError(400, `invalid_${what}`, parsed.error.issues.map((issue) => `${issue.path.join('.') || what}: ${issue.message}`).join('; '));
  return parsed.data;
}

const sameSecret = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function optionalNumber(value: unknown, name: string): number | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const number = Number(raw);
  if (!Number.isFinite(number)) throw new RequestError(400, 'invalid_query', `${name} is not a number`);
  return number;
}

/** The session of a request, set by `requireSession`. */
const sessions = new WeakMap<Request, Session>();
function sessionOf(request: Request): Session {
  const session = sessions.get(request);
  if (!session) throw new RequestError(401, 'not_logged_in', '请先登录');
  return session;
}

/**
 * The console's JSON API. Every route but login answers 401 without a live session; every state-changing request
 * must carry the session's synchronizer token in `x-csrf-token` (and JSON or a declared file type, which a form on
 * another site cannot send without a preflight).
 */
export function createApiRoutes(app: ConsoleApp, options: { secureCookies: boolean; sessionTtlSeconds: number; heartbeatMs: number }): Router {
  const router = Router();
  const json = express.json({ limit: '64kb' });

  router.post('/login', json, async (request, response) => {
    if (!request.is('application/json')) throw new RequestError(415, 'unsupported_media_type', 'send JSON');
    const { username, password } = parse(loginBody, request.body, 'login');
    const previous = sessionIdOf(request);
    if (previous) await app.logOut(previous);
    const session = await app.logIn(username, password, request.socket.remoteAddress ?? 'unknown');
    setSessionCookie(response, session.id, { secure: options.secureCookies, maxAgeSeconds: options.sessionTtlSeconds });
    response.json({ user: session.user, csrfToken: session.csrfToken });
  });

  const requireSession = async (request: Request, response: Response, next: NextFunction): Promise<void> => {
    const id = sessionIdOf(request);
    const session = id ? await app.sessionOf(id) : undefined;
    if (!session) {
      response.status(401).json({ error: { code: 'not_logged_in', message: '请先登录' } });
      return;
    }
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      const token = request.get('x-csrf-token') ?? '';
      if (!sameSecret(token, session.csrfToken)) {
        response.status(403).json({ error: { code: 'csrf_token_invalid', message: '请求缺少有效的防伪令牌，请刷新页面' } });
        return;
      }
    }
    sessions.set(request, session);
    next();
  };
  router.use(requireSession);

  router.get('/session', (request, response) => {
    const session = sessionOf(request);
    response.json({ user: session.user, csrfToken: session.csrfToken });
  });

  router.post('/logout', async (request, response) => {
    await app.logOut(sessionOf(request).id);
    clearSessionCookie(response, { secure: options.secureCookies });
    response.status(204).end();
  });

  router.get('/events', (request, response) => streamLiveEvents(app, { heartbeatMs: options.heartbeatMs })(request, response, sessionOf(request)));

  router.get('/cases', async (request, response) => {
    const statuses = text(request.query.status)?.split(',') ?? [];
    const unknown = statuses.find((status) => !(CASE_STATUSES as readonly string[]).includes(status));
    if (unknown) throw new RequestError(400, 'invalid_query', `unknown status ${JSON.stringify(unknown)}`);
    const township = text(request.query.township);
    const cases = await app.listCases(sessionOf(request).user, {
      statuses: statuses.filter((status): status is (typeof CASE_STATUSES)[number] => (CASE_STATUSES as readonly string[]).includes(status)),
      ...(township ? { townshipCode: township } : {}),
    });
    response.json({ cases });
  });

  router.get('/cases/:caseId', async (request, response) => {
    response.json(await app.readCase(sessionOf(request).user, parse(caseId, request.params.caseId, 'case_id')));
  });

  router.post('/cases/:caseId/actions', json, async (request, response) => {
    if (!request.is('application/json')) throw new RequestError(415, 'unsupported_media_type', 'send JSON');
    const body = parse(actBody, request.body, 'action');
    const summary = await app.actOnCase(sessionOf(request).user, {
      caseId: parse(caseId, request.params.caseId, 'case_id'),
      action: body.action,
      expectedVersion: body.expectedVersion,
      ...(body.note ? { note: body.note } : {}),
      ...(body.targetOfficerId ? { targetOfficerId: body.targetOfficerId } : {}),
    });
    response.json({ case: summary });
  });

  router.post('/cases/:caseId/evidence', express.raw({ type: [...EVIDENCE_TYPES], limit: EVIDENCE_MAX_BYTES }), async (request, response) => {
    const mediaType = (request.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!EVIDENCE_TYPES.has(mediaType) || !Buffer.isBuffer(request.body) || request.body.length === 0) throw new RequestError(415, 'unsupported_media_type', 'a JPEG or PNG photo is expected');
    const lon = optionalNumber(request.query.lon, 'lon');
    const lat = optionalNumber(request.query.lat, 'lat');
    const takenTime = text(request.query.taken_time);
    if (takenTime !== undefined && Number.isNaN(Date.parse(takenTime))) throw new RequestError(400, 'invalid_query', 'taken_time is not a date');
    const answer = await app.attachEvidence(sessionOf(request).user, {
      caseId: parse(caseId, request.params.caseId, 'case_id'),
      fileName: (text(request.query.file_name) ?? 'photo').slice(0, 200),
      mediaType,
      content: request.body,
      ...(lon !== undefined && lat !== undefined ? { lon, lat } : {}),
      ...(takenTime ? { takenTime: new Date(takenTime) } : {}),
    });
    response.status(201).json({ evidence: answer });
  });

  router.get('/cases/:caseId/evidence/:evidenceId', async (request, response) => {
    const file = await app.evidenceFile(sessionOf(request).user, parse(caseId, request.params.caseId, 'case_id'), parse(caseId, request.params.evidenceId, 'evidence_id'));
    // Only photos are shown in the page; anything else is a download, never rendered as a document of this origin.
    const inline = EVIDENCE_TYPES.has(file.mediaType);
    response.set({ 'content-type': inline ? file.mediaType : 'application/octet-stream', 'content-disposition': inline ? 'inline' : 'attachment', 'cache-control': 'private, max-age=300' });
    response.send(file.content);
  });

  router.get('/map/layers', async (request, response) => {
    response.set('cache-control', 'private, max-age=60');
    response.json(await app.readMapLayers(sessionOf(request).user));
  });

  router.get('/devices/state', async (request, response) => {
    response.set('cache-control', 'no-store');
    response.json({ devices: await app.readDeviceStates(sessionOf(request).user) });
  });

  router.get('/cells/:cellId', async (request, response) => {
    const panel = await app.readCell(sessionOf(request).user, parse(caseId, request.params.cellId, 'cell_id'));
    if (!panel) throw new RequestError(404, 'not_found', `cell ${request.params.cellId} was not found`);
    response.json(panel);
  });

  router.get('/air-quality', async (request, response) => {
    response.json(await app.readAirQuality(sessionOf(request).user));
  });

  router.get('/kpis', async (request, response) => {
    const days = optionalNumber(request.query.days, 'days') ?? 30;
    if (!Number.isInteger(days) || days < 1 || days > 366) throw new RequestError(400, 'invalid_query', 'days is a whole number from 1 to 366');
    response.json(await app.readKpis(sessionOf(request).user, days));
  });

  router.get('/kpis/backlog', async (request, response) => {
    const days = optionalNumber(request.query.days, 'days') ?? 7;
    if (!Number.isInteger(days) || days < 1 || days > 31) throw new RequestError(400, 'invalid_query', 'days is a whole number from 1 to 31');
    response.json(await app.readBacklog(sessionOf(request).user, days));
  });

  router.get('/operations', async (request, response) => {
    response.set('cache-control', 'no-store');
    response.json(await app.readOperations(sessionOf(request).user));
  });

  router.get('/credit', async (request, response) => {
    response.json({ ratings: await app.listCreditRatings(sessionOf(request).user) });
  });

  router.get('/credit/:uscc', async (request, response) => {
    const uscc = parse(z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, 'an 18-character USCC'), request.params.uscc, 'uscc');
    response.json(await app.explainCreditRating(sessionOf(request).user, uscc));
  });

  router.get('/alerts', async (request, response) => {
    const township = text(request.query.township);
    const alerts = await app.listAlerts(sessionOf(request).user, { openOnly: request.query.open === 'true', ...(township ? { townshipCode: township } : {}) });
    response.json({ alerts });
  });

  router.get('/emergency/warnings', async (request, response) => {
    response.set('cache-control', 'no-store');
    response.json(await app.readWarnings(sessionOf(request).user));
  });

  router.post('/emergency/warnings', json, async (request, response) => {
    if (!request.is('application/json')) throw new RequestError(415, 'unsupported_media_type', 'send JSON');
    const body = parse(issueWarningBody, request.body, 'warning');
    const warning = await app.issueWarning(sessionOf(request).user, {
      level: body.level,
      startsAt: new Date(body.startsAt),
      reason: body.reason,
      ...(body.expectedEndAt ? { expectedEndAt: new Date(body.expectedEndAt) } : {}),
    });
    response.status(201).json({ warning });
  });

  router.get('/emergency/warnings/:warningId', async (request, response) => {
    response.set('cache-control', 'no-store');
    response.json(await app.readWarning(sessionOf(request).user, parse(emergencyId, request.params.warningId, 'warning_id')));
  });

  router.post('/emergency/warnings/:warningId/lift', json, async (request, response) => {
    if (!request.is('application/json')) throw new RequestError(415, 'unsupported_media_type', 'send JSON');
    const body = parse(liftWarningBody, request.body, 'lift');
    response.json({ warning: await app.liftWarning(sessionOf(request).user, parse(emergencyId, request.params.warningId, 'warning_id'), body.reason) });
  });

  router.get('/emergency/incidents', async (request, response) => {
    response.set('cache-control', 'no-store');
    response.json({ incidents: await app.readIncidents(sessionOf(request).user) });
  });

  router.get('/emergency/incidents/:incidentId', async (request, response) => {
    response.set('cache-control', 'no-store');
    response.json(await app.readIncident(sessionOf(request).user, parse(emergencyId, request.params.incidentId, 'incident_id')));
  });

  router.post('/emergency/incidents/:incidentId/actions', json, async (request, response) => {
    if (!request.is('application/json')) throw new RequestError(415, 'unsupported_media_type', 'send JSON');
    const body = parse(incidentActBody, request.body, 'action');
    if (!isIncidentAction(body.action)) throw new RequestError(400, 'invalid_action', `unknown action ${JSON.stringify(body.action)}`);
    const incident = await app.actOnIncident(sessionOf(request).user, {
      incidentId: parse(emergencyId, request.params.incidentId, 'incident_id'),
      action: body.action,
      ...(body.level ? { level: body.level } : {}),
      ...(body.expectedVersion !== undefined ? { expectedVersion: body.expectedVersion } : {}),
      ...(body.note ? { note: body.note } : {}),
    });
    response.json({ incident });
  });

  router.get('/emergency/early-warnings', async (request, response) => {
    response.set('cache-control', 'no-store');
    response.json({ earlyWarnings: await app.readEarlyWarnings(sessionOf(request).user) });
  });

  router.use((request, response) => {
    response.status(404).json({ error: { code: 'no_route', message: `no route ${request.method} ${request.path}` } });
  });
  return router;
}
