import type { IncomingMessage } from 'node:http';
import { DomainError } from '@ecogrid/domain-errors';
import type { DispatchApp } from '../../app';
import type { Actor, CaseSource, CaseStatus, Priority } from '../../domain/case';
import type { BearerTokens } from '../auth/bearer-tokens';
import { optionalDate, optionalNumber, optionalString, readBody, readJson, route, sendJson, type Route } from './http-kit';
import { caseJson, evidenceJson, historyJson, kpisJson } from './render';

const ANALYST_READS_ONLY = new DomainError('PERMISSION_DENIED', 'analysts read; they do not act on cases', { reason: 'role_not_allowed' });

/** The staff REST API: bearer-token auth, roles enforced by the use cases, officers see only their cases. */
export function staffRoutes(app: DispatchApp, tokens: BearerTokens, options: { evidenceMaxBytes: number }): Route[] {
  const actorOf = (request: IncomingMessage): Promise<Actor> => tokens.authenticate(request.headers.authorization);
  const now = (): Date => app.runtime.clock.now();
  const id = (params: string[], index = 0): string => decodeURIComponent(params[index] ?? '');

  return [
    route('POST', '/v1/cases', async (request, response) => {
      const actor = await actorOf(request);
      const body = await readJson(request);
      const location = body.location as Record<string, unknown> | undefined;
      const lon = optionalNumber(location?.lon, 'location.lon');
      const lat = optionalNumber(location?.lat, 'location.lat');
      const address = location && typeof location.address === 'string' ? location.address : undefined;
      const created = await app.createCase({
        actor,
        caseType: optionalString(body, 'case_type') ?? '',
        title: optionalString(body, 'title') ?? '',
        ...(optionalString(body, 'description') ? { description: body.description as string } : {}),
        ...(lon !== undefined && lat !== undefined ? { location: { lon, lat, ...(address ? { address } : {}) } } : {}),
        ...(optionalString(body, 'cell_id') ? { cellId: body.cell_id as string } : {}),
        ...(optionalString(body, 'priority') ? { priority: body.priority as string } : {}),
        ...(optionalString(body, 'enterprise_uscc') ? { enterpriseUscc: body.enterprise_uscc as string } : {}),
        ...(optionalString(body, 'assignee_officer_id') ? { assigneeOfficerId: body.assignee_officer_id as string } : {}),
      });
      sendJson(response, 201, { case: caseJson(created, now()) }, { location: `/v1/cases/${created.id}` });
    }),
    route('GET', '/v1/cases', async (request, response, _params, url) => {
      const actor = await actorOf(request);
      const query = url.searchParams;
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
      const at = now();
      sendJson(response, 200, { cases: result.cases.map((state) => caseJson(state, at)), next_page_token: result.nextPageToken ?? null });
    }),
    route('GET', '/v1/cases/:id', async (request, response, params) => {
      const actor = await actorOf(request);
      const view = await app.getCase(id(params), actor);
      sendJson(response, 200, {
        case: caseJson(view.state, now()),
        history: view.history.map(historyJson),
        evidence: view.evidence.map(evidenceJson),
        alert_ids: view.alertIds,
      });
    }),
    route('POST', '/v1/cases/:id/actions', async (request, response, params) => {
      const actor = await actorOf(request);
      if (actor.role === 'analyst') throw ANALYST_READS_ONLY;
      const body = await readJson(request);
      const extendUntil = optionalDate(body.extend_until, 'extend_until');
      const state = await app.actOnCase({
        caseId: id(params),
        actor,
        action: optionalString(body, 'action') ?? '',
        expectedVersion: optionalNumber(body.expected_version, 'expected_version') ?? 0,
        ...(optionalString(body, 'note') ? { note: body.note as string } : {}),
        ...(optionalString(body, 'target_officer_id') ? { targetOfficerId: body.target_officer_id as string } : {}),
        ...(optionalString(body, 'merge_into_case_id') ? { mergeIntoCaseId: body.merge_into_case_id as string } : {}),
        ...(extendUntil ? { extendUntil } : {}),
      });
      sendJson(response, 200, { case: caseJson(state, now()) });
    }),
    route('POST', '/v1/cases/:id/evidence', async (request, response, params, url) => {
      const actor = await actorOf(request);
      // The file is the body; what describes it travels in the query, so no multipart parsing is needed.
      const content = await readBody(request, options.evidenceMaxBytes);
      const lon = optionalNumber(url.searchParams.get('lon') ?? undefined, 'lon');
      const lat = optionalNumber(url.searchParams.get('lat') ?? undefined, 'lat');
      const takenTime = optionalDate(url.searchParams.get('taken_time') ?? undefined, 'taken_time');
      const record = await app.attachEvidence({
        caseId: id(params),
        actor,
        fileName: url.searchParams.get('file_name') ?? '',
        mediaType: request.headers['content-type'] ?? '',
        content,
        ...(lon !== undefined && lat !== undefined ? { takenAt: { lon, lat } } : {}),
        ...(takenTime ? { takenTime } : {}),
      });
      sendJson(response, 201, { evidence: evidenceJson(record) });
    }),
    route('POST', '/v1/cases/:id/evidence-links', async (request, response, params) => {
      const actor = await actorOf(request);
      const body = await readJson(request);
      const record = await app.linkEvidence({
        caseId: id(params),
        actor,
        kind: optionalString(body, 'kind') ?? '',
        referenceId: optionalString(body, 'reference_id') ?? '',
        ...(optionalString(body, 'note') ? { note: body.note as string } : {}),
      });
      sendJson(response, 201, { evidence: evidenceJson(record) });
    }),
    route('GET', '/v1/cases/:id/evidence/:evidence', async (request, response, params) => {
      const actor = await actorOf(request);
      await app.getCase(id(params), actor);
      const found = await app.runtime.store.evidenceContent(id(params), id(params, 1));
      if (!found) throw new DomainError('NOT_FOUND', `evidence ${id(params, 1)} not found`, { reason: 'not_found' });
      response.writeHead(200, {
        'content-type': found.record.mediaType ?? 'application/octet-stream',
        'content-length': found.content.length,
        'x-content-sha256': found.record.sha256 ?? '',
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(found.record.fileName ?? 'evidence')}`,
      });
      response.end(found.content);
    }),
    route('GET', '/v1/cases/:id/history/verify', async (request, response, params) => {
      const actor = await actorOf(request);
      const verdict = await app.verifyHistory(id(params), actor);
      sendJson(response, 200, {
        intact: verdict.intact,
        entries: verdict.entries,
        first_broken: verdict.firstBroken
          ? { sequence: verdict.firstBroken.sequence, reason: verdict.firstBroken.reason, stored_hash: verdict.firstBroken.storedHash, recomputed_hash: verdict.firstBroken.recomputedHash }
          : null,
      });
    }),
    route('GET', '/v1/kpis', async (request, response, _params, url) => {
      const actor = await actorOf(request);
      const from = optionalDate(url.searchParams.get('from') ?? undefined, 'from');
      const to = optionalDate(url.searchParams.get('to') ?? undefined, 'to');
      const kpis = await app.kpis(
        {
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
          ...(url.searchParams.get('township') ? { townshipCode: url.searchParams.get('township') as string } : {}),
          ...(url.searchParams.get('officer') ? { officerId: url.searchParams.get('officer') as string } : {}),
        },
        actor,
      );
      sendJson(response, 200, kpisJson(kpis));
    }),
  ];
}
