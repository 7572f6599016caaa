import { DomainError, invalidArgument, notFound } from '@ecogrid/domain-errors';
import type { Actor, CaseState } from '../domain/case';
import type { HistoryEntry } from '../domain/history-chain';
import type { CaseFilter, EvidenceRecord } from './ports';
import { canSee, type DispatchRuntime } from './runtime';

export interface CaseView {
  state: CaseState;
  history: HistoryEntry[];
  evidence: EvidenceRecord[];
  alertIds: string[];
  /** When the case was read: what its deadline is compared with (overdue or not). */
  asOf: Date;
}

const MAX_PAGE = 200;

/** Reads one case with its history and evidence; officers only their own. */
export function createGetCase(runtime: DispatchRuntime) {
  return async function getCase(caseId: string, actor: Actor): Promise<CaseView> {
    const asOf = runtime.clock.now();
    const state = await runtime.store.get(caseId);
    if (!state || !canSee(actor, state)) throw notFound('case', caseId);
    const [history, evidence, alertIds] = await Promise.all([runtime.store.history(caseId), runtime.store.evidence(caseId), runtime.store.alertIds(caseId)]);
    return { state, history, evidence, alertIds, asOf };
  };
}

export interface ListCasesQuery extends Omit<CaseFilter, 'limit' | 'after' | 'overdueAt'> {
  overdueOnly?: boolean;
  pageSize?: number;
  pageToken?: string;
}

export interface CaseList {
  cases: CaseState[];
  nextPageToken?: string;
  /** When the cases were read: what their deadlines are compared with. */
  asOf: Date;
}

export function encodePageToken(state: CaseState): string {
  return Buffer.from(JSON.stringify([state.createdAt.toISOString(), state.id])).toString('base64url');
}

function decodePageToken(token: string): { createdAt: Date; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [string, string];
    const at = new Date(createdAt);
    if (Number.isNaN(at.getTime()) || typeof id !== 'string') throw new Error('bad token');
    return { createdAt: at, id };
  } catch {
    throw invalidArgument('page_token', 'page_token is not one this service issued', 'bad_page_token');
  }
}

const outOfScope = (message: string): DomainError => new DomainError('PERMISSION_DENIED', message, { reason: 'out_of_scope' });

/**
 * The filter a person's scope adds to what they ask, in the query itself (never by filtering a page afterwards):
 * officers their own cases, supervisors their township unit's. Asking explicitly for someone else's is refused
 * (PERMISSION_DENIED, `out_of_scope`) rather than silently answered with a narrower list.
 */
export function scopeOf(actor: Actor, asked: { townshipCode?: string; officerId?: string }): { townshipCode?: string; officerId?: string } {
  if (actor.role === 'officer') {
    if (!actor.officerId) throw new DomainError('PERMISSION_DENIED', 'an officer token needs officer_id', { reason: 'no_officer_id' });
    if (asked.officerId !== undefined && asked.officerId !== actor.officerId) throw outOfScope('officers see their own cases only');
    return { officerId: actor.officerId };
  }
  if (actor.role === 'supervisor') {
    if (!actor.townshipCode) throw new DomainError('PERMISSION_DENIED', 'a supervisor token needs township_code', { reason: 'no_township' });
    if (asked.townshipCode !== undefined && asked.townshipCode !== actor.townshipCode) throw outOfScope(`supervisors see their township unit (${actor.townshipCode}) only`);
    return { townshipCode: actor.townshipCode };
  }
  return {};
}

/** Lists and searches cases, newest first, with a cursor; officers see only theirs whatever they ask. */
export function createListCases(runtime: DispatchRuntime) {
  return async function listCases(query: ListCasesQuery, actor: Actor): Promise<CaseList> {
    const scope = scopeOf(actor, query);
    const pageSize = Math.min(MAX_PAGE, Math.max(1, query.pageSize ?? 50));
    const asOf = runtime.clock.now();
    const { overdueOnly, pageSize: _size, pageToken, ...rest } = query;
    const filter: CaseFilter = {
      ...rest,
      ...scope,
      ...(overdueOnly ? { overdueAt: asOf } : {}),
      ...(pageToken ? { after: decodePageToken(pageToken) } : {}),
      limit: pageSize + 1,
    };
    const rows = await runtime.store.list(filter);
    const cases = rows.slice(0, pageSize);
    const last = cases[cases.length - 1];
    return rows.length > pageSize && last ? { cases, nextPageToken: encodePageToken(last), asOf } : { cases, asOf };
  };
}

export type GetCase = ReturnType<typeof createGetCase>;
export type ListCases = ReturnType<typeof createListCases>;
