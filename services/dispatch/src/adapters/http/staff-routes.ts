import { Router } from 'express';
import type { TokenVerifier } from '@ecogrid/staff-auth';
import type { DispatchApp } from '../../app';
import type { CaseSource, CaseStatus, Priority } from '../../domain/case';
import { actorOf, staffOnly } from './staff-access';
import { refuseOtherMethods } from './error-answers';
import { readBody, readJsonObject } from './request-body';
import { optionalDate, optionalNumber, optionalString, paramOf, queryOf } from './request-fields';
import { caseJson, evidenceJson, historyJson, kpisJson } from './render';
import type { JsonObject } from '@ecogrid/hash-chain';
import { idempotencyClaimOf, markReplayed, optionalClaim } from './idempotency-key';

/**
 * The staff REST API: staff bearer tokens verified by `@ecogrid/staff-auth`, roles per route from STAFF_REST_ACCESS,
 * scope (a supervisor's unit, an officer's own cases) by the use cases. The caller is admitted before any body is read. A case just created or changed is shown as of that change (its
 * `updated_at`); a case read is shown as of the reading.
 */
export function staffRoutes(app: DispatchApp, verifier: TokenVerifier, options: { evidenceMaxBytes: number }): Router {
  const router = Router({ strict: true, caseSensitive: true });

  router
    .route('/v1/cases')
    .post(staffOnly(verifier, 'POST /v1/cases'), async (request, response) => {
      const actor = actorOf(request, response);
      const body = await readJsonObject(request, response);
      const location = body.location as Record<string, unknown> | undefined;
      const lon = optionalNumber(location?.lon, 'location.lon');
      const lat = optionalNumber(location?.lat, 'location.lat');
      const address = location && typeof location.address === 'string' ? location.address : undefined;
      const { state: created, replayed } = await app.createCase({
        actor,
        ...optionalClaim(idempotencyClaimOf(request, actor.subject, body as JsonObject)),
        caseType: optionalString(body, 'case_type') ?? '',
        title: optionalString(body, 'title') ?? '',
        ...(optionalString(body, 'description') ? { description: body.description as string } : {}),
        ...(lon !== undefined && lat !== undefined ? { location: { lon, lat, ...(address ? { address } : {}) } } : {}),
        ...(optionalString(body, 'cell_id') ? { cellId: body.cell_id as string } : {}),
        ...(optionalString(body, 'priority') ? { priority: body.priority as string } : {}),
        ...(optionalString(body, 'enterprise_uscc') ? { enterpriseUscc: body.enterprise_uscc as string } : {}),
        ...(optionalString(body, 'assignee_officer_id') ? { assigneeOfficerId: body.assignee_officer_id as string } : {}),
      });
      markReplayed(response, replayed);
      response.setHeader('location', `/v1/cases/${created.id}`);
      response.status(201).json({ case: caseJson(created, created.updatedAt) });
    })
    .get(staffOnly(verifier, 'GET /v1/cases'), async (request, response) => {
      const actor = actorOf(request, response);
      const query = queryOf(request);
      const createdFrom = optionalDate(query.get('from') ?? undefined, 'from');
      const createdTo = optionalDate(query.get('to') ?? undefined, 'to');
      const pageSize = optionalNumber(query.get('page_size') ?? undefined, 'page_size');
      const result = await app.listCases(
        {
          ...(query.get('status') ? { statuses: (query.get('status') as string).split(',') as CaseStatus[] } : {}),
          ...(query.get('township') ? { townshipCode: query.get('township') as string } : {}),
          ...(query.get('cell') ? { cellId: query.get('cell') as string } : {}),
          ...(query.get('officer') ? { officerId: query.get('officer') as string } : {}),
          ...(query.get('overdue') === 'true' ? { overdueOnly: true } : {}),
          ...(createdFrom ? { createdFrom } : {}),
          ...(createdTo ? { createdTo } : {}),
          ...(query.get('q') ? { query: query.get('q') as string } : {}),
          ...(query.get('priority') ? { priority: query.get('priority') as Priority } : {}),
          ...(query.get('source') ? { source: query.get('source') as CaseSource } : {}),
          ...(pageSize !== undefined ? { pageSize } : {}),
          ...(query.get('page_token') ? { pageToken: query.get('page_token') as string } : {}),
        },
        actor,
      );
      response.json({ cases: result.cases.map((state) => caseJson(state, result.asOf)), next_page_token: result.nextPageToken ?? null });
    })
    .all(refuseOtherMethods(['GET', 'POST']));

  router
    .route('/v1/cases/:id')
    .get(staffOnly(verifier, 'GET /v1/cases/:id'), async (request, response) => {
      const view = await app.getCase(paramOf(request, 'id'), actorOf(request, response));
      response.json({
        case: caseJson(view.state, view.asOf),
        history: view.history.map(historyJson),
        evidence: view.evidence.map(evidenceJson),
        alert_ids: view.alertIds,
      });
    })
    .all(refuseOtherMethods(['GET']));

  router
    .route('/v1/cases/:id/actions')
    .post(staffOnly(verifier, 'POST /v1/cases/:id/actions'), async (request, response) => {
      const actor = actorOf(request, response);
      const body = await readJsonObject(request, response);
      const extendUntil = optionalDate(body.extend_until, 'extend_until');
      const state = await app.actOnCase({
        caseId: paramOf(request, 'id'),
        actor,
        action: optionalString(body, 'action') ?? '',
        expectedVersion: optionalNumber(body.expected_version, 'expected_version') ?? 0,
        ...(optionalString(body, 'note') ? { note: body.note as string } : {}),
        ...(optionalString(body, 'target_officer_id') ? { targetOfficerId: body.target_officer_id as string } : {}),
        ...(optionalString(body, 'merge_into_case_id') ? { mergeIntoCaseId: body.merge_into_case_id as string } : {}),
        ...(extendUntil ? { extendUntil } : {}),
      });
      response.json({ case: caseJson(state, state.updatedAt) });
    })
    .all(refuseOtherMethods(['POST']));

  router
    .route('/v1/cases/:id/evidence')
    .post(staffOnly(verifier, 'POST /v1/cases/:id/evidence'), async (request, response) => {
      const actor = actorOf(request, response);
      // The file is the body; what describes it travels in the query, so no multipart parsing is needed.
      const content = await readBody(request, response, options.evidenceMaxBytes);
      const query = queryOf(request);
      const lon = optionalNumber(query.get('lon') ?? undefined, 'lon');
      const lat = optionalNumber(query.get('lat') ?? undefined, 'lat');
      const takenTime = optionalDate(query.get('taken_time') ?? undefined, 'taken_time');
      const record = await app.attachEvidence({
        caseId: paramOf(request, 'id'),
        actor,
        fileName: query.get('file_name') ?? '',
        mediaType: request.headers['content-type'] ?? '',
        content,
        ...(lon !== undefined && lat !== undefined ? { takenAt: { lon, lat } } : {}),
        ...(takenTime ? { takenTime } : {}),
      });
      response.status(201).json({ evidence: evidenceJson(record) });
    })
    .all(refuseOtherMethods(['POST']));

  router
    .route('/v1/cases/:id/evidence-links')
    .post(staffOnly(verifier, 'POST /v1/cases/:id/evidence-links'), async (request, response) => {
      const actor = actorOf(request, response);
      const body = await readJsonObject(request, response);
      const record = await app.linkEvidence({
        caseId: paramOf(request, 'id'),
        actor,
        kind: optionalString(body, 'kind') ?? '',
        referenceId: optionalString(body, 'reference_id') ?? '',
        ...(optionalString(body, 'note') ? { note: body.note as string } : {}),
      });
      response.status(201).json({ evidence: evidenceJson(record) });
    })
    .all(refuseOtherMethods(['POST']));

  router
    .route('/v1/cases/:id/evidence/:evidence')
    .get(staffOnly(verifier, 'GET /v1/cases/:id/evidence/:evidence'), async (request, response) => {
      const found = await app.readEvidenceContent(paramOf(request, 'id'), paramOf(request, 'evidence'), actorOf(request, response));
      response.statusCode = 200;
      response.setHeader('content-type', found.record.mediaType ?? 'application/octet-stream');
      response.setHeader('content-length', found.content.length);
      response.setHeader('x-content-sha256', found.record.sha256 ?? '');
      response.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(found.record.fileName ?? 'evidence')}`);
      response.end(found.content);
    })
    .all(refuseOtherMethods(['GET']));

  router
    .route('/v1/cases/:id/history/verify')
    .get(staffOnly(verifier, 'GET /v1/cases/:id/history/verify'), async (request, response) => {
      const verdict = await app.verifyHistory(paramOf(request, 'id'), actorOf(request, response));
      response.json({
        intact: verdict.intact,
        entries: verdict.entries,
        first_broken: verdict.firstBroken
          ? { sequence: verdict.firstBroken.sequence, reason: verdict.firstBroken.reason, stored_hash: verdict.firstBroken.storedHash, recomputed_hash: verdict.firstBroken.recomputedHash }
          : null,
      });
    })
    .all(refuseOtherMethods(['GET']));

  router
    .route('/v1/kpis')
    .get(staffOnly(verifier, 'GET /v1/kpis'), async (request, response) => {
      const actor = actorOf(request, response);
      const query = queryOf(request);
      const from = optionalDate(query.get('from') ?? undefined, 'from');
      const to = optionalDate(query.get('to') ?? undefined, 'to');
      const kpis = await app.kpis(
        {
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
          ...(query.get('township') ? { townshipCode: query.get('township') as string } : {}),
          ...(query.get('officer') ? { officerId: query.get('officer') as string } : {}),
        },
        actor,
      );
      response.json(kpisJson(kpis));
    })
    .all(refuseOtherMethods(['GET']));

  return router;
}
