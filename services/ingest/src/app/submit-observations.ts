import { DomainError } from '@ecogrid/domain-errors';
import { publicReason, type AccessDecision, type DeviceProfile } from '../domain/device-access';
import { enrichObservation } from '../domain/enrich-observation';
import { validateObservationInput, type InputProblem } from '../domain/validate-observation-input';
import type { Observation, ObservationSource } from '../domain/observation';
import type { AuthenticateDevice } from './authenticate-device';
import type { Clock, DeviceDirectory, DeviceThrottle, Rejection, RejectionSink } from './ports';
import type { StoreObservations } from './store-observations';

export interface ItemResult {
  index: number;
  accepted: boolean;
  observationId?: string;
  duplicate?: boolean;
  problem?: InputProblem;
}

/**
 * Who is submitting: a gateway (authenticated by its token, may submit for any registered device) or a single
 * device (its HJ 212 password, checked against every item's device).
 */
export type Submitter = { kind: 'gateway'; gateway: string } | { kind: 'device'; password: string };

export interface SubmitObservationsDeps {
  devices: DeviceDirectory;
  authenticate: AuthenticateDevice;
  throttle: DeviceThrottle;
  store: StoreObservations;
  rejections: RejectionSink;
  clock: Clock;
}

export interface SubmissionContext {
  source: ObservationSource;
  submitter: Submitter;
  remoteAddress?: string;
  /** Path prefix of the items in the caller's payload, e.g. "observations". */
  path?: string;
}

/**
 * Gateways and newer devices submit a batch of observations. A request is first counted against its peer
 * address's rate (RESOURCE_EXHAUSTED beyond it). Each item is then checked on its own — shape, registered
 * device, credentials (a device's own rate limit after them) — the valid ones are stored and only then
 * acknowledged, and the refused ones are published with their raw input and reason, so a partly bad batch loses
 * nothing and says exactly what was wrong. An item whose device cannot be authenticated says only
 * `authentication_failed`, whether the MN exists or not; the rejected topic keeps the precise reason.
 */
export function createSubmitObservations(deps: SubmitObservationsDeps) {
  return async function submitObservations(items: unknown[], context: SubmissionContext): Promise<ItemResult[]> {
    const address = context.remoteAddress ?? '';
    if (!(await deps.throttle.admitAddress(address))) {
      throw new DomainError('RESOURCE_EXHAUSTED', 'too many requests from this address; retry later', { reason: 'rate_limited' });
    }
    const now = deps.clock.now();
    const accepted: Observation[] = [];
    const acceptedIndex: number[] = [];
    const rejected: Rejection[] = [];
    // One authentication per MN a request names: a device's batch of a hundred items costs one check.
    const decisions = new Map<string, Promise<AccessDecision>>();
    const accessFor = (mn: string, submitter: Submitter): Promise<AccessDecision> => {
      if (submitter.kind === 'device') {
        let decision = decisions.get(mn);
        if (!decision) {
          decision = deps.authenticate(mn, submitter.password, address);
          decisions.set(mn, decision);
        }
        return decision;
      }
      const device: DeviceProfile | undefined = deps.devices.profile(mn);
      return Promise.resolve(device === undefined ? { ok: false, reason: 'unknown_device' } : device.enabled ? { ok: true, device } : { ok: false, reason: 'device_disabled' });
    };
    const results: ItemResult[] = await Promise.all(
      items.map(async (item, index): Promise<ItemResult> => {
        const path = context.path === undefined ? undefined : `${context.path}[${index}]`;
        const refuse = (problem: InputProblem, internalReason = problem.reason): ItemResult => {
          const deviceMn = typeof (item as { deviceMn?: unknown } | null)?.deviceMn === 'string' ? (item as { deviceMn: string }).deviceMn : undefined;
          rejected.push({
            reasonCode: internalReason,
            detail: internalReason === problem.reason ? `${problem.field}: ${problem.message}` : `${problem.field}: ${internalReason.replace('_', ' ')}`,
            raw: Buffer.from(JSON.stringify(item) ?? 'undefined'),
            source: context.source,
            receivedTime: now,
            ...(deviceMn === undefined ? {} : { deviceMn }),
            ...(context.remoteAddress === undefined ? {} : { remoteAddress: context.remoteAddress }),
          });
          return { index, accepted: false, problem };
        };
        const result = validateObservationInput(item, { source: context.source, now, ...(path === undefined ? {} : { path }) });
        if (!result.ok) return refuse(result.problem);
        const observation = result.observation;
        const field = path === undefined ? 'deviceMn' : `${path}.deviceMn`;
        const access = await accessFor(observation.deviceMn, context.submitter);
        if (!access.ok) {
          // A gateway is trusted with the registry's answer; a device's caller learns nothing about other MNs.
          const reason = context.submitter.kind === 'gateway' ? access.reason : publicReason(access.reason);
          const message = reason === 'authentication_failed' ? 'the device MN and password were not accepted' : `device ${observation.deviceMn}: ${reason.replace('_', ' ')}`;
          return refuse({ reason, field, message }, access.reason);
        }
        if (context.submitter.kind === 'device' && !(await deps.throttle.admitDevice(observation.deviceMn))) {
          return refuse({ reason: 'rate_limited', field, message: `device ${observation.deviceMn} exceeds its rate; retry later` });
        }
        accepted.push(enrichObservation(observation, access.device));
        acceptedIndex.push(index);
        return { index, accepted: true, observationId: observation.id };
      }),
    );
    const [stored] = await Promise.all([
      deps.store(accepted),
      rejected.length > 0 ? deps.rejections.reject(rejected) : Promise.resolve(),
    ]);
    acceptedIndex.forEach((index, position) => {
      const result = results[index];
      if (result) result.duplicate = stored.duplicate[position] ?? false;
    });
    return results;
  };
}

export type SubmitObservations = ReturnType<typeof createSubmitObservations>;
