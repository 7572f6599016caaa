import { Router, type Request } from 'express';
import { z } from 'zod';
import { DomainError, invalidArgument } from '@ecogrid/domain-errors';
import type { SharingApp } from '../../app';
import type { Partner } from '../../app/ports';
import { callerOf } from './authenticate';

const webhookBody = z.object({ dataset: z.string().max(64), url: z.string().max(2_000), from_seq: z.number().int().min(0).optional() }).strict();

function partnerOf(request: Request): Partner {
  const { partner } = callerOf(request);
  if (!partner) throw new DomainError('PERMISSION_DENIED', 'webhooks belong to partners', { reason: 'not_partner' });
  return partner;
}

/** A partner's webhooks: register (the signing secret is shown once), list, remove, read what was dead-lettered. */
export function webhookRoutes(app: SharingApp): Router {
  const router = Router();
  router.post('/v1/webhooks', async (request, response) => {
    const partner = partnerOf(request);
    const parsed = webhookBody.safeParse(request.body ?? {});
    if (!parsed.success) throw invalidArgument(parsed.error.issues[0]?.path.join('.') || 'body', parsed.error.issues[0]?.message ?? 'invalid body', 'invalid_body');
    const created = await app.webhooks.create(partner, { datasetId: parsed.data.dataset, url: parsed.data.url, ...(parsed.data.from_seq !== undefined ? { fromSeq: parsed.data.from_seq } : {}) });
    response.status(201).json({ id: created.id, dataset: created.datasetId, url: created.url, secret: created.secret, last_seq: created.lastSeq });
  });
  router.get('/v1/webhooks', async (request, response) => {
    const list = await app.webhooks.list(partnerOf(request));
    response.json({ webhooks: list.map((hook) => ({ id: hook.id, dataset: hook.datasetId, url: hook.url, last_seq: hook.lastSeq })) });
  });
  router.delete('/v1/webhooks/:id', async (request: Request<{ id: string }>, response) => {
    await app.webhooks.remove(partnerOf(request), request.params.id);
    response.status(204).end();
  });
  router.get('/v1/webhooks/:id/dead-letters', async (request: Request<{ id: string }>, response) => {
    const letters = await app.webhooks.deadLetters(partnerOf(request), request.params.id);
    response.json({ dead_letters: letters.map((letter) => ({ seq: letter.seq, attempts: letter.attempts, last_error: letter.lastError })) });
  });
  return router;
}
