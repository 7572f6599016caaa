import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from '../repo-paths';
import { isManifest, type Manifest } from '../yaml-documents';

/** A rule of a Prometheus rule file: recording (`record`) or alerting (`alert`). */
export interface PrometheusRule {
  record?: string;
  alert?: string;
  expr: string;
  annotations?: Record<string, string>;
}

export function rulesOf(file: Manifest): PrometheusRule[] {
  const groups = Array.isArray(file.groups) ? file.groups.filter(isManifest) : [];
  return groups.flatMap((group) => (Array.isArray(group.rules) ? (group.rules.filter(isManifest) as unknown as PrometheusRule[]) : []));
}

/**
 * Every metric name the platform's code creates: the first argument of an OpenTelemetry `create…(` call in
 * packages/*\/src and services/*\/src (tests excluded), as the Prometheus exporter exposes it.
 */
export function exportedMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const group of ['packages', 'services']) {
    for (const project of readdirSync(repoPath(group))) {
      for (const file of sourceFiles(repoPath(group, project, 'src'))) {
        for (const match of readFileSync(file, 'utf8').matchAll(/\.create(?:Counter|Histogram|Gauge|UpDownCounter|ObservableGauge|ObservableCounter|ObservableUpDownCounter)(?:<[^>]*>)?\(\s*'([A-Za-z_.][A-Za-z0-9_.]*)'/g)) {
          names.add(match[1]!.replace(/\./g, '_'));
        }
      }
    }
  }
  return names;
}

function sourceFiles(directory: string): string[] {
  let entries;
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'gen' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const PROMQL_WORDS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'rate', 'irate', 'increase', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right',
  'and', 'or', 'unless', 'bool', 'offset', 'max_over_time', 'min_over_time', 'avg_over_time', 'histogram_quantile', 'clamp_min',
  'clamp_max', 'abs', 'absent', 'vector', 'scalar', 'time', 'topk', 'bottomk', 'le',
]);

/**
 * The metric names an expression reads: identifiers that are neither PromQL words, label matchers, durations nor
 * numbers. Names with a colon are recording rules; `_bucket`, `_count` and `_sum` are a histogram's series.
 */
export function metricsIn(expr: string): string[] {
  const stripped = expr
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/"[^"]*"/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const identifiers = stripped.match(/[A-Za-z_:][A-Za-z0-9_:]*/g) ?? [];
  return [...new Set(identifiers.filter((word) => !PROMQL_WORDS.has(word)))];
}

/** Problems: an expression naming a metric no code exports, or a recording rule no file defines. */
export function unknownMetricProblems(rules: readonly PrometheusRule[], exported: ReadonlySet<string>): string[] {
  const recorded = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])));
  const problems: string[] = [];
  for (const rule of rules) {
    for (const metric of metricsIn(rule.expr)) {
      const name = rule.alert ?? rule.record ?? '?';
      if (metric.includes(':')) {
        if (!recorded.has(metric)) problems.push(`${name}: reads ${metric}, which no recording rule defines`);
        continue;
      }
      const base = metric.replace(/_(bucket|count|sum)$/, '');
      if (!exported.has(metric) && !exported.has(base)) problems.push(`${name}: reads ${metric}, which no service exports`);
    }
  }
  return problems;
}

/** Each alert's runbook_url must name an anchor of docs/runbook.md (GitHub's heading slugs). */
export function runbookProblems(rules: readonly PrometheusRule[]): string[] {
  const runbook = readFileSync(repoPath('docs', 'runbook.md'), 'utf8');
  const anchors = new Set(
    [...runbook.matchAll(/^#{2,4} (.+)$/gm)].map((heading) => heading[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-')),
  );
  const problems: string[] = [];
  for (const rule of rules.filter((candidate) => candidate.alert)) {
    const url = rule.annotations?.runbook_url;
    const anchor = url?.match(/^docs\/runbook\.md#(.+)$/)?.[1];
    if (!anchor) problems.push(`${String(rule.alert)}: runbook_url ${String(url)} does not point into docs/runbook.md`);
    else if (!anchors.has(anchor)) problems.push(`${String(rule.alert)}: docs/runbook.md has no heading for #${anchor}`);
  }
  return problems;
}
