/**
 * `pnpm bench`: runs every `bench/*.bench.ts` in turn (one at a time: two cores), then writes
 * `results/latest.json` and `BENCHMARKS.md` at the repository root.
 * `pnpm bench -- <filter>` runs only benches whose file name contains the filter and merges their figures
 * into the existing results.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem, platform, release } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchMetrics, BenchModule } from './bench-types';

interface Results {
  /** The machine and date of the last `pnpm bench` that wrote these results. */
  machine: string;
  date: string;
  metrics: BenchMetrics;
  sections: Record<string, string[]>;
  /**
   * Where and when each section was measured: a filtered run merges its sections into earlier ones, which may come
   * from another machine of the same type or another day. Missing for sections measured before this was kept.
   */
  measured?: Record<string, { machine: string; date: string }>;
  /** For sections without `measured`: the date of the run that last wrote them, or an earlier one. */
  measuredBefore?: string;
}

const benchDir = __dirname;
const resultsFile = resolve(benchDir, '../results/latest.json');
const markdownFile = resolve(benchDir, '../../BENCHMARKS.md');

function describeMachine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}, Node ${process.version}`;
}

async function loadPrevious(): Promise<Results | undefined> {
  try {
    return JSON.parse(await readFile(resultsFile, 'utf8')) as Results;
  } catch {
    return undefined;
  }
}

function formatValue(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

function renderMarkdown(results: Results): string {
  const lines = [
    '# Benchmarks',
    '',
    `Measured by \`pnpm bench\`; the last run on ${results.machine}, ${results.date}. Each section says where and when it`,
    'was measured: `pnpm bench -- <filter>` re-measures some sections and keeps the others.',
    'Each figure stands beside a baseline measured in the same run on the same machine; load generators share',
    'the two cores with the system under test, so absolute numbers are conservative. The same virtual machine',
    'type has run a third slower in one hour than in another (compare `json_parse_same_data_per_s` between runs):',
    'judge a figure by its baseline, and a latency tail by several runs. Where a bench says who used the CPU',
    '(`pipeline_cpu_percent`, `ingest_hj212_others_cpu_us_per_frame`, `dispatch_cpu_ms_per_alert`), the figures',
    'come from /proc and count every process on the machine, the load generator included.',
    'Raw figures: `load-tests/results/latest.json`.',
    '',
  ];
  for (const [title, names] of Object.entries(results.sections)) {
    const measured = results.measured?.[title];
    lines.push(`## ${title}`, '', measured ? `Measured ${measured.date} on ${measured.machine}.` : `Measured at or before ${results.measuredBefore ?? 'an earlier run'} (before sections kept their own date).`, '', '| metric | value | unit | baseline | ratio | target | how |', '|---|---:|---|---|---:|---|---|');
    for (const name of names) {
      const metric = results.metrics[name];
      if (!metric) continue;
      const base = metric.baseline ? results.metrics[metric.baseline] : undefined;
      const ratio = base && base.value !== 0 ? (metric.value / base.value).toFixed(2) : '';
      lines.push(
        `| \`${name}\` | ${formatValue(metric.value)} | ${metric.unit} | ${metric.baseline ? `\`${metric.baseline}\`` : ''} | ${ratio} | ${metric.target ?? ''} | ${metric.note ?? ''} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const filter = process.argv.slice(2).find((arg) => arg !== '--');
  const files = (await readdir(benchDir)).filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter))).sort();
  if (files.length === 0) throw new Error(`no bench matches ${filter ?? '*'}`);
  const previous = filter ? await loadPrevious() : undefined;
  const results: Results = {
    machine: describeMachine(),
    date: new Date().toISOString(),
    metrics: { ...(previous?.metrics ?? {}) },
    sections: { ...(previous?.sections ?? {}) },
    measured: { ...(previous?.measured ?? {}) },
    ...(previous?.measuredBefore ?? previous?.date ? { measuredBefore: previous?.measuredBefore ?? previous?.date } : {}),
  };
  for (const file of files) {
    const imported = (await import(pathToFileURL(join(benchDir, file)).href)) as { default: BenchModule };
    const bench = imported.default;
    process.stdout.write(`\n▶ ${bench.title} (${file})\n`);
    const started = Date.now();
    const metrics = await bench.run(results.metrics);
    for (const [name, metric] of Object.entries(metrics)) {
      process.stdout.write(`  ${name}: ${formatValue(metric.value)} ${metric.unit}${metric.baseline ? ` (baseline ${metric.baseline})` : ''}\n`);
    }
    process.stdout.write(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    Object.assign(results.metrics, metrics);
    results.sections[bench.title] = Object.keys(metrics);
    (results.measured ??= {})[bench.title] = { machine: results.machine, date: new Date(started).toISOString() };
  }
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(markdownFile, renderMarkdown(results));
  process.stdout.write(`\nwrote ${resultsFile} and ${markdownFile}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
