/**
 * The Node harness: runs a scenario of slo.json against the built ingest (its own process) on 127.0.0.1,
 * writes a k6-shaped summary to results/load-<scenario>.json and judges it with the same thresholds k6 uses.
 *
 *   pnpm --filter @ecogrid/load-tests load -- hj212_tcp [--rate 2000] [--duration 30] [--cpu-prof]
 *   pnpm --filter @ecogrid/load-tests load -- check ingest_http path/to/k6-summary.json
 *
 * Exits 1 when a threshold fails.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startIngestUnderLoad } from './ingest-under-load';
import type { K6Summary } from './k6-summary';
import { SCENARIOS, runScenario, type ScenarioName } from './scenarios';
import { checkThresholds, loadSlo, type ThresholdVerdict } from './slo';

process.env.KAFKA_BROKERS ??= '127.0.0.1:9092';
process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';

function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? undefined : args[at + 1];
}

function report(verdicts: ThresholdVerdict[]): boolean {
  for (const verdict of verdicts) console.log(`  ${verdict.ok ? '✓' : '✗'} ${verdict.metric} ${verdict.expression} (${verdict.value ?? 'missing'})`);
  return verdicts.every((verdict) => verdict.ok);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  const slo = loadSlo();
  if (args[0] === 'check') {
    const [, scenario, file] = args;
    if (!scenario || !file) throw new Error('usage: load check <scenario> <summary.json>');
    const summary = JSON.parse(readFileSync(file, 'utf8')) as K6Summary;
    return report(checkThresholds(slo, summary, scenario)) ? 0 : 1;
  }
  const name = args[0] as ScenarioName;
  if (!SCENARIOS.includes(name)) throw new Error(`usage: load <${SCENARIOS.join('|')}> [--rate N] [--duration S] [--cpu-prof]`);
  const base = slo[name];
  if (!base) throw new Error(`slo.json has no ${name}`);
  const target = {
    ...base,
    rate: Number(flag(args, 'rate') ?? base.rate),
    duration_s: Math.min(Number(flag(args, 'duration') ?? base.duration_s), 300),
  };
  const ingest = await startIngestUnderLoad({
    devices: Math.max(target.connections ?? 0, 200),
    ...(args.includes('--cpu-prof') ? { cpuProfileDir: resolve(__dirname, '../results/profiles') } : {}),
  });
  try {
    console.log(`${name}: ${target.rate}/s for ${target.duration_s} s, at most ${target.max_in_flight} in flight, ingest pid ${ingest.pid}`);
    const cpuBefore = await ingest.cpuMicros();
    const { summary, result } = await runScenario(name, target, ingest);
    const cpuPerAnswer = ((await ingest.cpuMicros()) - cpuBefore) / Math.max(1, result.succeeded);
    const file = resolve(__dirname, `../results/load-${name}.json`);
    writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(
      `  offered ${result.offered}, ok ${result.succeeded}, failed ${result.failed}, dropped ${result.dropped} (${result.blocked} held back: device window full or TCP backpressure); achieved ${Math.round(result.achievedRate)}/s; ` +
        `p50 ${result.latency.getValueAtPercentile(50) / 1000} ms, p99 ${result.latency.getValueAtPercentile(99) / 1000} ms; ingest RSS ${Math.round((await ingest.rssBytes()) / 2 ** 20)} MiB, CPU ${Math.round(cpuPerAnswer)} µs per answer`,
    );
    console.log(`  per second (ok/failed/max ms): ${result.timeline.map((entry) => `${entry.ok}/${entry.failed}/${entry.maxMs}`).join(' ')}`);
    console.log(`  summary: ${file}`);
    return report(checkThresholds(slo, summary, name)) ? 0 : 1;
  } finally {
    await ingest.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
