import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAccessMatrix, ROOT, SUBJECTS, type Subject } from '@ecogrid/e2e';
import { call, createWorld, registerDemo, staffToken, type SharingWorld } from './support/sharing-harness';

/** A concrete request for each row of the matrix: ids that exist where the route needs one. */
function requestOf(operation: string, ids: { grant: string; key: string }): { method: string; path: string; body?: unknown } {
  const [method, template] = operation.split(' ') as [string, string];
  const path = template
    .replace('{id}/records', 'aqi-hourly/records')
    .replace('{id}/events', 'aqi-hourly/events')
    .replace('{id}/replay', 'aqi-hourly/replay?from=2026-06-01T00:00:00Z')
    .replace('/partners/{id}', '/partners/yc-eeb')
    .replace('{keyId}', ids.key)
    .replace('/grants/{id}', `/grants/${ids.grant}`)
    .replace('/v1/grants', '/v1/grants?partner=yc-eeb')
    .replace('/v1/audit/report', '/v1/audit/report?month=2026-06');
  return { method, path, ...(method === 'POST' ? { body: {} } : {}) };
}

describe('sharing access matrix (docs/security.md)', () => {
  let world: SharingWorld;
  let ids: { grant: string; key: string };

  beforeAll(async () => {
    world = await createWorld('sharing-matrix');
    const partners = await registerDemo(world);
    const water = partners.get('yh-water');
    ids = { grant: water?.grants.get('alerts')?.id ?? 'none', key: 'k000000000000' };
  });

  afterAll(async () => {
    await world?.close();
  });

  it('answers every route as the matrix says, for every role', async () => {
    const matrix = readAccessMatrix(readFileSync(resolve(ROOT, 'docs/security.md'), 'utf8'), 'sharing http');
    const tokens = new Map<Subject, string | undefined>();
    for (const subject of SUBJECTS) tokens.set(subject, subject === 'anonymous' ? undefined : await staffToken(subject, `${subject}-matrix`));
    const mismatches: string[] = [];
    let cells = 0;
    for (const row of matrix) {
      for (const subject of SUBJECTS) {
        cells += 1;
        const request = requestOf(row.operation, ids);
        const token = tokens.get(subject);
        const answer = await call(world, request.path, { method: request.method, ...(token ? { token } : {}), ...(request.body !== undefined ? { body: request.body } : {}) });
        const decision = answer.status === 401 || answer.status === 403 ? 'deny' : 'allow';
        if (decision !== row.cells[subject]) mismatches.push(`${row.operation} as ${subject}: ${answer.status} (${decision}), matrix says ${row.cells[subject]}`);
      }
    }
    console.log(`sharing access matrix: ${matrix.length} routes × ${SUBJECTS.length} subjects = ${cells} cells, ${mismatches.length} mismatches`);
    expect(mismatches).toEqual([]);
  });
});
