import { DomainError, failedPrecondition, invalidArgument } from '@ecogrid/domain-errors';
import { datasetById, type Dataset, type ScopeDimension } from './catalogue';
import type { FieldValue, SharedRecord } from './shared-record';

/** [west, south, east, north] in WGS 84 degrees. */
export type BoundingBox = readonly [number, number, number, number];

/** What a grant narrows a dataset to; an absent dimension is not narrowed. */
export interface GrantScope {
  townships?: readonly string[];
  bbox?: BoundingBox;
  enterprises?: readonly string[];
  factors?: readonly string[];
}

export type GrantStatus = 'pending_approval' | 'active' | 'revoked';

export interface Grant {
  id: string;
  partnerId: string;
  datasetId: string;
  scope: GrantScope;
  /** The fields that leave; every other field is masked (absent from the answer). */
  fields: readonly string[];
  /** Records whose time lies in [from, to); either end open when absent. */
  window: { from?: Date; to?: Date };
  purpose: string;
  expiresAt: Date;
  status: GrantStatus;
  approvedBy?: string;
}

export interface GrantRequest {
  id: string;
  partnerId: string;
  datasetId: string;
  scope: GrantScope;
  fields: readonly string[];
  window: { from?: Date; to?: Date };
  purpose: string;
  expiresAt: Date;
}

const SCOPE_DIMENSION: Record<keyof GrantScope, ScopeDimension> = { townships: 'township', bbox: 'bbox', enterprises: 'enterprise', factors: 'factor' };

/**
 * A grant as requested, checked against the catalogue: an unconditional dataset's grant is active at once, a
 * conditional one waits for a data steward, a not-shareable dataset cannot be granted at all. A field that never
 * leaves cannot be granted either, so no grant can carry it by mistake.
 */
export function requestGrant(request: GrantRequest, now: Date): Grant {
  const dataset = datasetById(request.datasetId);
  if (!dataset) throw invalidArgument('dataset', `no dataset ${request.datasetId} in the catalogue`, 'unknown_dataset');
  if (dataset.sharingClass === 'not_shareable') throw failedPrecondition(`${dataset.id} is 不予共享 (not shareable)`, 'not_shareable');
  if (request.purpose.trim().length === 0) throw invalidArgument('purpose', 'a grant states its purpose', 'no_purpose');
  if (request.expiresAt.getTime() <= now.getTime()) throw invalidArgument('expires_at', 'a grant expires in the future', 'expired');
  if (request.fields.length === 0) throw invalidArgument('fields', 'a grant names at least one field', 'no_fields');
  for (const name of request.fields) {
    const field = dataset.fields.find((candidate) => candidate.name === name);
    if (!field) throw invalidArgument('fields', `${dataset.id} has no field ${name}`, 'unknown_field');
    if (field.neverShared) throw failedPrecondition(`${dataset.id}.${name} never leaves the platform`, 'field_not_shareable');
  }
  for (const key of Object.keys(request.scope) as Array<keyof GrantScope>) {
    if (request.scope[key] !== undefined && !dataset.scopeDimensions.includes(SCOPE_DIMENSION[key])) {
      throw invalidArgument(`scope.${key}`, `${dataset.id} cannot be scoped by ${SCOPE_DIMENSION[key]}`, 'unsupported_scope');
    }
  }
  const bbox = request.scope.bbox;
  if (bbox && !(bbox[0] < bbox[2] && bbox[1] < bbox[3])) throw invalidArgument('scope.bbox', 'bbox is [west, south, east, north]', 'bad_bbox');
  const { from, to } = request.window;
  if (from && to && from.getTime() >= to.getTime()) throw invalidArgument('window', 'the window starts before it ends', 'bad_window');
  return { ...request, fields: [...new Set(request.fields)], status: dataset.sharingClass === 'conditional' ? 'pending_approval' : 'active' };
}

/** A data steward approves a conditional grant; nobody else may, and an approved grant is not approved twice. */
export function approveGrant(grant: Grant, approver: { subject: string; role: string }): Grant {
  if (approver.role !== 'data_steward') throw new DomainError('PERMISSION_DENIED', 'only a data steward approves conditional grants', { reason: 'not_data_steward' });
  if (grant.status !== 'pending_approval') throw failedPrecondition(`grant ${grant.id} is ${grant.status}`, 'not_pending');
  return { ...grant, status: 'active', approvedBy: approver.subject };
}

export function revokeGrant(grant: Grant): Grant {
  return { ...grant, status: 'revoked' };
}

/** Why a grant serves nothing now, or undefined when it serves. */
export function grantRefusal(grant: Grant, dataset: Dataset, now: Date): string | undefined {
  if (dataset.sharingClass === 'not_shareable') return 'not_shareable';
  if (grant.status === 'pending_approval') return 'grant_pending_approval';
  if (grant.status === 'revoked') return 'grant_revoked';
  if (grant.expiresAt.getTime() <= now.getTime()) return 'grant_expired';
  return undefined;
}

const within = (allowed: readonly string[] | undefined, value: string | null): boolean => allowed === undefined || (value !== null && allowed.includes(value));

/** Whether a record lies inside the grant's scope and window. A record missing a scoped attribute is outside. */
export function inGrant(record: SharedRecord, grant: Grant): boolean {
  const { scope, window } = grant;
  if (record.dataset !== grant.datasetId) return false;
  if (!within(scope.townships, record.township)) return false;
  if (!within(scope.enterprises, record.enterprise)) return false;
  if (!within(scope.factors, record.factor)) return false;
  if (scope.bbox) {
    const [west, south, east, north] = scope.bbox;
    if (record.lon === null || record.lat === null) return false;
    if (record.lon < west || record.lon > east || record.lat < south || record.lat > north) return false;
  }
  const time = record.occurredAt.getTime();
  if (window.from && time < window.from.getTime()) return false;
  if (window.to && time >= window.to.getTime()) return false;
  return true;
}

/**
 * The fields of a record a grant lets leave: the granted ones the catalogue says may ever leave; everything else is
 * masked by being absent, never by a placeholder a client could mistake for data.
 */
export function projectRecord(record: SharedRecord, grant: Grant, dataset: Dataset): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const field of dataset.fields) {
    if (field.neverShared || !grant.fields.includes(field.name)) continue;
    const value = record.fields[field.name];
    if (value !== undefined) out[field.name] = value;
  }
  return out;
}
