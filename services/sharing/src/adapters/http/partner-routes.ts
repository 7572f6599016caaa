import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { DomainError, invalidArgument } from '@ecogrid/domain-errors';
import type { SharingApp } from '../../app';
import { requireSteward } from '../../app/actors';
import type { Partner } from '../../app/ports';
import { etagOf } from '../../app/pull-records';
import type { AuditEntry } from '../../domain/access-audit';
import type { Grant } from '../../domain/grant';
import { callerOf } from './authenticate';
import { parseQuery, pullQuerySchema } from './query-params';

const HEARTBEAT_MS = 15_000;

function partnerOf(request: Request): Partner {
  const { partner } = callerOf(request);
  if (!partner) throw new DomainError('PERMISSION_DENIED', 'this surface is for partner credentials', { reason: 'not_partner' });
  return partner;
}

export function auditJson(entry: AuditEntry) {
  return {
    sequence: entry.sequence,
    access_id: entry.accessId,
    partner_id: entry.partnerId,
    dataset: entry.dataset,
    query: entry.query,
    rows: entry.rows,
    response_sha256: entry.responseSha256,
    accessed_at: entry.accessedAt.toISOString(),
    allowed: entry.allowed,
    denial_reason: entry.denialReason,
    previous_hash: entry.previousHash,
    hash: entry.hash,
  };
}

const auditQuery = z.object({ partner: z.string().max(64).optional(), after: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().positive().max(1000).optional() }).strict();
const reportQuery = z.object({ month: z.string(), partner: z.string().max(64).optional() }).strict();
const replayQuery = z.object({ from: z.iso.datetime({ offset: true }).transform((text) => new Date(text)), limit: z.coerce.number().int().positive().max(10_000).optional() }).strict();
const lastEventId = z.string().regex(/^\d{1,15}$/);

const PULL_PATH = /^\/v1\/datasets\/[^/]+\/records$/;

/** The pull: its use case confirms the partner's credentials with the version read beside its page. */
export const isPullRequest = (request: Request): boolean => request.method === 'GET' && PULL_PATH.test(request.path);

/** What partners use (and stewards, for the audit): catalogue, pull, push, their grants and their audit. */
export function partnerRoutes(app: SharingApp): Router {
  const router = Router();

  router.get('/v1/catalogue', async (request, response) => {
    response.json({ datasets: await app.readCatalogue(callerOf(request).actor) });
  });

  router.get('/v1/datasets/:id/records', async (request: Request<{ id: string }>, response) => {
    const partner = partnerOf(request);
    const { actor, accessVersion, rowsUsed } = callerOf(request);
    if (actor.kind !== 'partner') throw new DomainError('PERMISSION_DENIED', 'this surface is for partner credentials', { reason: 'not_partner' });
    const query = parseQuery(request, pullQuerySchema);
    const ifNoneMatch = request.header('if-none-match');
    const result = await app.pullRecords({ partner, keyId: actor.keyId, accessVersion, ...(rowsUsed ? { rowsUsed } : {}) }, request.params.id, { ...stripUndefined(query), ...(ifNoneMatch ? { ifNoneMatch } : {}) });
    response.setHeader('etag', etagOf(result.sha256));
    response.setHeader('cache-control', 'private, no-cache');
    if (result.notModified) {
      response.status(304).end();
      return;
    }
    response.type('application/json').send(result.body);
  });

  router.get('/v1/datasets/:id/replay', async (request: Request<{ id: string }>, response) => {
    const partner = partnerOf(request);
    const query = parseQuery(request, replayQuery);
    const body = await app.replayRecords(partner, request.params.id, { from: query.from, ...(query.limit ? { limit: query.limit } : {}) });
    response.type('application/json').send(body);
  });

  router.get('/v1/datasets/:id/events', async (request: Request<{ id: string }>, response: Response) => {
    const partner = partnerOf(request);
    const resume = request.header('last-event-id') ?? (typeof request.query.last_event_id === 'string' ? request.query.last_event_id : undefined);
    if (resume !== undefined && !lastEventId.safeParse(resume).success) throw invalidArgument('Last-Event-ID', 'an event id this stream gave out', 'bad_event_id');
    const abort = new AbortController();
    request.on('close', () => abort.abort());
    const subscription = await app.subscribeRecords(partner, request.params.id, resume === undefined ? 0 : Number(resume), abort.signal);
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    response.write('retry: 2000\n\n');
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    try {
      for await (const batch of subscription.events()) {
        const text = batch.map((event) => `id: ${event.seq}\nevent: record\ndata: ${JSON.stringify(event.cloudEvent)}\n\n`).join('');
        if (!response.write(text)) await new Promise<void>((resolve) => response.once('drain', () => resolve()).once('close', () => resolve()));
      }
    } finally {
      clearInterval(heartbeat);
      response.end();
      await subscription.close();
    }
  });

  router.get('/v1/grants', async (request, response) => {
    const { actor } = callerOf(request);
    if (actor.kind === 'staff') requireSteward(actor);
    const partnerId = actor.kind === 'partner' ? actor.partnerId : String(request.query.partner ?? '');
    if (!partnerId) throw invalidArgument('partner', 'name the partner whose grants to list');
    const grants = await app.grants.forPartner(actor, partnerId);
    response.json({ grants: grants.map(grantJson) });
  });

  router.get('/v1/audit', async (request, response) => {
    const query = parseQuery(request, auditQuery);
    const entries = await app.audit.list(callerOf(request).actor, { ...(query.partner ? { partnerId: query.partner } : {}), ...(query.after !== undefined ? { afterSequence: query.after } : {}), ...(query.limit ? { limit: query.limit } : {}) });
    response.json({ entries: entries.map(auditJson) });
  });

  router.get('/v1/audit/verify', async (request, response) => {
    response.json(await app.audit.verify(callerOf(request).actor));
  });

  router.get('/v1/audit/report', async (request, response) => {
    const query = parseQuery(request, reportQuery);
    const rows = await app.audit.monthlyReport(callerOf(request).actor, query.month, query.partner);
    response.json({ month: query.month, rows: rows.map((row) => ({ partner_id: row.partnerId, dataset: row.dataset, accesses: row.accesses, denied: row.denied, rows: row.rows })) });
  });

  return router;
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

export function grantJson(grant: Grant) {
  return {
    id: grant.id,
    partner_id: grant.partnerId,
    dataset: grant.datasetId,
    scope: grant.scope,
    fields: [...grant.fields],
    window: { from: grant.window.from?.toISOString() ?? null, to: grant.window.to?.toISOString() ?? null },
    purpose: grant.purpose,
    expires_at: grant.expiresAt.toISOString(),
    status: grant.status,
    approved_by: grant.approvedBy ?? null,
  };
}
