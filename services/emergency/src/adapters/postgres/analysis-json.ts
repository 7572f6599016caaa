import type { JsonObject, JsonValue } from '@ecogrid/hash-chain';
import type { ImpactAnalysis } from '../../domain/incidents/impact-analysis';

/**
 * The stored form of an impact analysis (jsonb): the analysis as computed, dates as ISO text. The river of a
 * downstream zone is kept whole, so the zone reads back as it was even after the river data changes.
 */
export function analysisToJson(analysis: ImpactAnalysis): JsonObject {
  return JSON.parse(JSON.stringify({ ...analysis, computedAt: analysis.computedAt.toISOString() })) as JsonObject;
}

export function analysisFromJson(json: JsonValue): ImpactAnalysis {
  const value = json as unknown as Omit<ImpactAnalysis, 'computedAt'> & { computedAt: string };
  return { ...value, plan: value.plan ?? null, computedAt: new Date(value.computedAt) };
}
