import { createServicePool } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import type { EvaluationFigures } from '../app/early-warning/ports';
import { createPgEarlyWarningStore } from '../adapters/postgres/pg-early-warning-store';
import { loadMigrationConfig } from '../config';
import { checkEarlyWarningPolicy } from '../domain/early-warning/early-warning-policy';
import { combineEvaluations, summarizeLeadTimes } from '../domain/early-warning/evaluate-warnings';
import { DEFAULT_REPLAY_OPTIONS, formatReplayReport, runEarlyWarningReplay, type ReplayOptions, type ReplaySetResult } from './early-warning-replay';

/**
 * `pnpm --filter @ecogrid/emergency early-warning:evaluate [--days N] [--seeds 1,2,3] [--min-lead M] [--json] [--store]`:
 * prints the hit rate, false-alarm rate and lead times of the early warning on the replayed series; `--store` also
 * keeps the figures in EMERGENCY_SCHEMA of DATABASE_URL, where GetEarlyWarningEvaluation answers them.
 */
function parseArguments(argv: readonly string[]): { options: ReplayOptions; json: boolean; store: boolean } {
  let options: ReplayOptions = DEFAULT_REPLAY_OPTIONS;
  let json = false;
  let store = false;
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = argv[index + 1];
    if (flag === '--json') json = true;
    else if (flag === '--store') store = true;
    else if (flag === '--days' && value) options = { ...options, days: Number((index++, value)) };
    else if (flag === '--seeds' && value) options = { ...options, seeds: (index++, value).split(',').map(Number) };
    else if (flag === '--min-lead' && value) options = { ...options, minLeadMinutes: Number((index++, value)) };
    else throw new Error(`unknown or incomplete argument: ${flag ?? ''}`);
  }
  if (!(options.days > 0) || options.seeds.some((seed) => !Number.isFinite(seed)) || !(options.minLeadMinutes >= 0)) throw new Error('--days must be > 0, --seeds numbers, --min-lead ≥ 0');
  const problems = checkEarlyWarningPolicy(options.policy);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return { options, json, store };
}

const minutesOf = (ms: number | null): number | null => (ms === null ? null : ms / 60_000);

export function evaluationFigures(results: readonly ReplaySetResult[], options: ReplayOptions, evaluatedAt: Date): EvaluationFigures {
  const minuteSets = results.filter((item) => item.horizonMinutes === options.policy.horizonSteps);
  const all = { name: 'all-minute', description: '分钟数据合计 / all minute-data sets', series: minuteSets.reduce((sum, item) => sum + item.series, 0), evaluation: combineEvaluations(minuteSets.map((item) => item.evaluation)) };
  return {
    evaluatedAt,
    horizonMinutes: options.policy.horizonSteps,
    minLeadMinutes: options.minLeadMinutes,
    sets: [...results, all].map(({ name, description, series, evaluation }) => {
      const leads = summarizeLeadTimes(evaluation.leadTimesMs);
      return {
        name,
        description,
        series,
        crossings: evaluation.crossings,
        hits: evaluation.hits,
        hitRate: evaluation.hitRate,
        warnings: evaluation.warnings,
        falseAlarms: evaluation.falseAlarms,
        falseAlarmRate: evaluation.falseAlarmRate,
        leadCount: leads.count,
        leadP10Minutes: minutesOf(leads.p10Ms),
        leadP50Minutes: minutesOf(leads.p50Ms),
        leadP90Minutes: minutesOf(leads.p90Ms),
      };
    }),
  };
}

async function main(): Promise<void> {
  const { options, json, store } = parseArguments(process.argv.slice(2));
  const results = runEarlyWarningReplay(options);
  process.stdout.write(`${json ? JSON.stringify(results, null, 2) : formatReplayReport(results, options)}\n`);
  if (!store) return;
  const config = loadMigrationConfig();
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const pool = createServicePool({ databaseUrl: config.DATABASE_URL, schema: config.EMERGENCY_SCHEMA, max: 1, applicationName: 'ecogrid-emergency-evaluate', logger });
  try {
    await createPgEarlyWarningStore({ pool, eventsOf: () => [] }).saveEvaluation(evaluationFigures(results, options, new Date()));
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`early-warning:evaluate failed: ${(error as Error).message}\n`);
  process.exit(1);
});
