import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { invalidArgument } from '@ecogrid/domain-errors';
import type { SharingApp } from '../../app';
import { requireSteward } from '../../app/actors';
import { callerOf } from './authenticate';
import { grantJson } from './partner-routes';

function body<T extends z.ZodType>(request: Request, schema: T): z.infer<T> {
  const parsed = schema.safeParse(request.body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidArgument(issue?.path.join('.') || 'body', issue?.message ?? 'invalid body', 'invalid_body');
  }
  return parsed.data;
}

const partnerBody = z
  .object({
    id: z.string(),
    name: z.string().max(200),
    quota: z.object({ requests_per_second: z.number().int().positive().max(100_000).optional(), rows_per_day: z.number().int().positive().optional(), page_cap: z.number().int().positive().max(10_000).optional() }).strict().optional(),
    webhook_hosts: z.array(z.string().max(253)).max(20).optional(),
  })
  .strict();

const codes = z.array(z.string().min(1).max(64)).min(1).max(500);
const grantBody = z
  .object({
    partner_id: z.string(),
    dataset: z.string(),
    scope: z.object({ townships: codes.optional(), enterprises: codes.optional(), factors: codes.optional(), bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional() }).strict().default({}),
    fields: z.array(z.string()).min(1).max(100),
    window: z.object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() }).strict().default({}),
    purpose: z.string().max(500),
    expires_at: z.iso.datetime({ offset: true }),
  })
  .strict();

/** Stewards and administrators: partners, keys (rotation, revocation) and grants (approval of conditional ones). */
export function adminRoutes(app: SharingApp): Router {
  const router = Router();
  // Who may administer is decided before a body is read: a refused caller learns nothing of the validation.
  router.use('/v1/admin', (request, _response, next) => {
    requireSteward(callerOf(request).actor);
    next();
  });

  router.post('/v1/admin/partners', async (request, response) => {
    const input = body(request, partnerBody);
    const quota = input.quota ?? {};
    const created = await app.partners.register(callerOf(request).actor, {
      id: input.id,
      name: input.name,
      quota: {
        ...(quota.requests_per_second ? { requestsPerSecond: quota.requests_per_second } : {}),
        ...(quota.rows_per_day ? { rowsPerDay: quota.rows_per_day } : {}),
        ...(quota.page_cap ? { pageCap: quota.page_cap } : {}),
      },
      ...(input.webhook_hosts ? { webhookHosts: input.webhook_hosts } : {}),
    });
    response.status(201).json({ partner_id: created.partnerId, key_id: created.keyId, api_key: created.key });
  });

  router.post('/v1/admin/partners/:id/keys', async (request: Request<{ id: string }>, response) => {
    const created = await app.partners.rotateKey(callerOf(request).actor, request.params.id);
    response.status(201).json({ partner_id: created.partnerId, key_id: created.keyId, api_key: created.key });
  });

  router.delete('/v1/admin/keys/:keyId', async (request: Request<{ keyId: string }>, response) => {
    await app.partners.revokeKey(callerOf(request).actor, request.params.keyId);
    response.status(204).end();
  });

  router.post('/v1/admin/grants', async (request, response) => {
    const input = body(request, grantBody);
    const grant = await app.grants.request(callerOf(request).actor, {
      id: `g-${randomUUID()}`,
      partnerId: input.partner_id,
      datasetId: input.dataset,
      scope: input.scope,
      fields: input.fields,
      window: { ...(input.window.from ? { from: new Date(input.window.from) } : {}), ...(input.window.to ? { to: new Date(input.window.to) } : {}) },
      purpose: input.purpose,
      expiresAt: new Date(input.expires_at),
    });
    response.status(201).json(grantJson(grant));
  });

  router.post('/v1/admin/grants/:id/approve', async (request: Request<{ id: string }>, response) => {
    response.json(grantJson(await app.grants.approve(callerOf(request).actor, request.params.id)));
  });

  router.post('/v1/admin/grants/:id/revoke', async (request: Request<{ id: string }>, response) => {
    response.json(grantJson(await app.grants.revoke(callerOf(request).actor, request.params.id)));
  });

  return router;
}
