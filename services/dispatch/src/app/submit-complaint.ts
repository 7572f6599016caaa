import { DomainError, invalidArgument, notFound } from '@ecogrid/domain-errors';
import { OPEN_STATUSES, type CaseState, type CaseStatus } from '../domain/case';
import { open311Services } from '../domain/open311-services';
import { openCase } from './open-case';
import { createOnce, type Creation } from './idempotent-creation';
import type { CaseFilter, Complainant, IdempotencyClaim } from './ports';
import type { DispatchRuntime } from './runtime';

export interface ComplaintInput {
  partner: string;
  serviceCode: string;
  lat?: number;
  long?: number;
  addressString?: string;
  description?: string;
  mediaUrl?: string;
  complainant: Complainant;
  /** A retry with the same key gets the first request's case (the Open311 POST with Idempotency-Key). */
  idempotency?: IdempotencyClaim;
}

/**
 * A public complaint (12369) through Open311: registered and routed like any case; the complainant's contact
 * goes to a table of its own, never into the history (which can never be erased) and never into a log.
 */
export function createSubmitComplaint(runtime: DispatchRuntime) {
  return async function submitComplaint(input: ComplaintInput): Promise<Creation> {
    const service = open311Services(runtime.policy).find((candidate) => candidate.service_code === input.serviceCode);
    if (!service) throw invalidArgument('service_code', `service_code "${input.serviceCode}" was not found`, 'unknown_service_code');
    const hasPoint = input.lat !== undefined || input.long !== undefined;
    if (hasPoint && (input.lat === undefined || input.long === undefined)) throw invalidArgument('lat', 'lat and long go together', 'location_required');
    if (!hasPoint && !input.addressString?.trim()) throw invalidArgument('lat', 'a location is required: lat and long, or address_string', 'location_required');
    if (hasPoint && (!Number.isFinite(input.lat) || Math.abs(input.lat as number) > 90 || !Number.isFinite(input.long) || Math.abs(input.long as number) > 180)) {
      throw invalidArgument('lat', 'lat/long are not a valid WGS 84 position', 'invalid_location');
    }
    const description = input.description?.trim() ?? '';
    if (description.length > 4_000) throw invalidArgument('description', 'description has at most 4,000 characters');
    return createOnce(runtime, input.idempotency, async (tx) => {
      const state = await openCase(tx, runtime, {
        source: 'complaint',
        caseType: service.service_code,
        serviceCode: service.service_code,
        title: `${service.service_name}（12369）`,
        description,
        ...(hasPoint ? { location: { lon: input.long as number, lat: input.lat as number, ...(input.addressString ? { address: input.addressString } : {}) } } : {}),
        actor: { subject: `open311:${input.partner}`, role: 'system' },
        registration: {
          open311: {
            partner: input.partner,
            serviceCode: service.service_code,
            ...(input.addressString ? { addressString: input.addressString } : {}),
            ...(input.mediaUrl ? { mediaUrl: input.mediaUrl } : {}),
          },
        },
      });
      await tx.saveComplainant(state.id, input.complainant);
      return state;
    });
  };
}

export interface ComplaintQuery {
  ids?: string[];
  serviceCode?: string;
  startDate?: Date;
  endDate?: Date;
  status?: 'open' | 'closed';
}

const CLOSED: CaseStatus[] = ['closed', 'merged'];

/** Open311 GET requests: complaints only, newest first, 90 days by default, at most 1,000. */
export function createReadComplaints(runtime: DispatchRuntime) {
  return async function readComplaints(query: ComplaintQuery): Promise<CaseState[]> {
    const filter: CaseFilter = { source: 'complaint', limit: 1_000 };
    if (query.ids && query.ids.length > 0) filter.ids = query.ids;
    else {
      const end = query.endDate ?? runtime.clock.now();
      filter.createdTo = end;
      filter.createdFrom = query.startDate ?? new Date(end.getTime() - 90 * 86_400_000);
    }
    if (query.serviceCode) filter.serviceCode = query.serviceCode;
    if (query.status === 'open') filter.statuses = [...OPEN_STATUSES];
    if (query.status === 'closed') filter.statuses = CLOSED;
    return runtime.store.list(filter);
  };
}

export function createReadComplaint(runtime: DispatchRuntime) {
  return async function readComplaint(id: string): Promise<CaseState> {
    const state = await runtime.store.get(id);
    if (!state || state.source !== 'complaint') throw notFound('service request', id);
    return state;
  };
}

export function assertPartner(partner: string | undefined): string {
  if (!partner) throw new DomainError('PERMISSION_DENIED', 'api_key was not provided or is not valid', { reason: 'invalid_api_key' });
  return partner;
}

export type SubmitComplaint = ReturnType<typeof createSubmitComplaint>;
export type ReadComplaints = ReturnType<typeof createReadComplaints>;
export type ReadComplaint = ReturnType<typeof createReadComplaint>;
