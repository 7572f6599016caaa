import { decideAccess } from '../domain/device-access';
import { enrichObservation } from '../domain/enrich-observation';
import { validateObservationInput, type InputProblem } from '../domain/validate-observation-input';
import type { Observation, ObservationSource } from '../domain/observation';
import type { Clock, DeviceDirectory, Rejection, RejectionSink } from './ports';
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
 * Gateways and newer devices submit a batch of observations. Each item is checked on its own — shape,
 * registered device, credentials — the valid ones are stored and only then acknowledged, and the refused
 * ones are published with their raw input and reason, so a partly bad batch loses nothing and says
 * exactly what was wrong.
 */
export function createSubmitObservations(deps: SubmitObservationsDeps) {
  return async function submitObservations(items: unknown[], context: SubmissionContext): Promise<ItemResult[]> {
    const now = deps.clock.now();
    const accepted: Observation[] = [];
    const acceptedIndex: number[] = [];
    const rejected: Rejection[] = [];
    const results: ItemResult[] = items.map((item, index) => {
      const path = context.path === undefined ? undefined : `${context.path}[${index}]`;
      const refuse = (problem: InputProblem): ItemResult => {
        const deviceMn = typeof (item as { deviceMn?: unknown } | null)?.deviceMn === 'string' ? (item as { deviceMn: string }).deviceMn : undefined;
        rejected.push({
          reasonCode: problem.reason,
          detail: `${problem.field}: ${problem.message}`,
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
      const device = deps.devices.profile(observation.deviceMn);
      const access =
        context.submitter.kind === 'device'
          ? decideAccess(device, context.submitter.password)
          : device === undefined
            ? ({ ok: false, reason: 'unknown_device' } as const)
            : device.enabled
              ? ({ ok: true, device } as const)
              : ({ ok: false, reason: 'device_disabled' } as const);
      if (!access.ok) return refuse({ reason: access.reason, field, message: `device ${observation.deviceMn}: ${access.reason.replace('_', ' ')}` });
      accepted.push(enrichObservation(observation, access.device));
      acceptedIndex.push(index);
      return { index, accepted: true, observationId: observation.id };
    });
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
