import { validateObservationInput, type InputProblem } from '../domain/validate-observation-input';
import type { Observation, ObservationSource } from '../domain/observation';
import type { Clock, ObservationSink, Rejection, RejectionSink } from './ports';

export interface ItemResult {
  index: number;
  accepted: boolean;
  observationId?: string;
  problem?: InputProblem;
}

export interface SubmitObservationsDeps {
  observations: ObservationSink;
  rejections: RejectionSink;
  clock: Clock;
}

export interface SubmissionContext {
  source: ObservationSource;
  remoteAddress?: string;
  /** Path prefix of the items in the caller's payload, e.g. "observations". */
  path?: string;
}

/**
 * Gateways and newer devices submit a batch of observations. Each item is checked on its own; the valid
 * ones are stored and only then acknowledged, the invalid ones are published as rejections with their
 * raw input and the reason — so a partly bad batch loses nothing and says exactly what was wrong.
 */
export function createSubmitObservations(deps: SubmitObservationsDeps) {
  return async function submitObservations(items: unknown[], context: SubmissionContext): Promise<ItemResult[]> {
    const now = deps.clock.now();
    const accepted: Observation[] = [];
    const rejected: Rejection[] = [];
    const results: ItemResult[] = items.map((item, index) => {
      const path = context.path === undefined ? undefined : `${context.path}[${index}]`;
      const result = validateObservationInput(item, { source: context.source, now, ...(path === undefined ? {} : { path }) });
      if (result.ok) {
        accepted.push(result.observation);
        return { index, accepted: true, observationId: result.observation.id };
      }
      const deviceMn = typeof (item as { deviceMn?: unknown } | null)?.deviceMn === 'string' ? (item as { deviceMn: string }).deviceMn : undefined;
      rejected.push({
        reasonCode: result.problem.reason,
        detail: `${result.problem.field}: ${result.problem.message}`,
        raw: Buffer.from(JSON.stringify(item) ?? 'undefined'),
        source: context.source,
        receivedTime: now,
        ...(deviceMn === undefined ? {} : { deviceMn }),
        ...(context.remoteAddress === undefined ? {} : { remoteAddress: context.remoteAddress }),
      });
      return { index, accepted: false, problem: result.problem };
    });
    await Promise.all([
      accepted.length > 0 ? deps.observations.record(accepted) : Promise.resolve(),
      rejected.length > 0 ? deps.rejections.reject(rejected) : Promise.resolve(),
    ]);
    return results;
  };
}

export type SubmitObservations = ReturnType<typeof createSubmitObservations>;
