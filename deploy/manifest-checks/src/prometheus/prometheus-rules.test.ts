import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { repoPath } from '../repo-paths';
import { readYamlDocuments, type Manifest } from '../yaml-documents';
import { exportedMetricNames, metricsIn, rulesOf, runbookProblems, unknownMetricProblems } from './check-rules';

const RULES = repoPath('deploy', 'prometheus', 'rules', 'ecogrid.yml');
const readRules = (): Manifest => readYamlDocuments(RULES)[0]!;
const promtool = spawnSync('promtool', ['--version']).status === 0;

/** promtool's verdict on a rule file, with its output; exit 0 means valid. */
function promtoolCheck(file: Manifest): { status: number | null; output: string } {
  const directory = mkdtempSync(join(tmpdir(), 'ecogrid-rules-'));
  try {
    writeFileSync(join(directory, 'rules.yml'), stringify(file));
    const run = spawnSync('promtool', ['check', 'rules', join(directory, 'rules.yml')], { encoding: 'utf8' });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describe('deploy/prometheus', () => {
  it('every metric a rule reads is exported by the code, and every alert links a runbook entry', () => {
    const rules = rulesOf(readRules());
    const exported = exportedMetricNames();
    const read = new Set(rules.flatMap((rule) => metricsIn(rule.expr)));
    console.log(`prometheus: ${rules.length} rules (${rules.filter((rule) => rule.alert).length} alerts) read ${read.size} metrics and recording rules; the code exports ${exported.size} metrics`);
    expect(unknownMetricProblems(rules, exported)).toEqual([]);
    expect(runbookProblems(rules)).toEqual([]);
  });

  it('a misspelled metric or a runbook link to nowhere is caught', () => {
    const file = readRules();
    const rules = rulesOf(file);
    const lag = rules.find((rule) => rule.record === 'ecogrid:kafka_consumer_lag_messages:max')!;
    lag.expr = lag.expr.replace('kafka_consumer_lag_messages', 'kafka_consumer_lag_mesages');
    const alert = rules.find((rule) => rule.alert === 'DeadLettersPresent')!;
    alert.annotations!.runbook_url = 'docs/runbook.md#dead-letter';
    expect(unknownMetricProblems(rules, exportedMetricNames())).toEqual(['ecogrid:kafka_consumer_lag_messages:max: reads kafka_consumer_lag_mesages, which no service exports']);
    expect(runbookProblems(rules)).toEqual(['DeadLettersPresent: docs/runbook.md has no heading for #dead-letter']);
  });

  it.runIf(promtool)('promtool check rules accepts the rules and the configuration, and refuses a broken expression', () => {
    expect(execFileSync('promtool', ['check', 'config', repoPath('deploy', 'prometheus', 'prometheus.yml')], { encoding: 'utf8' })).toContain('SUCCESS');
    const valid = promtoolCheck(readRules());
    console.log(`promtool: ${valid.output.trim().split('\n').pop() ?? ''}`);
    expect(valid.status).toBe(0);
    const broken = readRules();
    rulesOf(broken)[0]!.expr = 'max by (job, topic (kafka_consumer_lag_messages)';
    // rulesOf hands out the file's own rule objects, so the change is in `broken`.
    expect(promtoolCheck(broken).status).not.toBe(0);
  });

  it.runIf(promtool)('promtool test rules: each alert fires on the series that should raise it, and not before its time', () => {
    const run = spawnSync('promtool', ['test', 'rules', repoPath('deploy', 'prometheus', 'tests', 'ecogrid.test.yml')], { encoding: 'utf8' });
    const output = `${run.stdout}${run.stderr}`;
    const cases = readYamlDocuments(repoPath('deploy', 'prometheus', 'tests', 'ecogrid.test.yml'))[0]!.tests as Array<{ alert_rule_test: unknown[] }>;
    console.log(`promtool test rules: ${cases.reduce((sum, entry) => sum + entry.alert_rule_test.length, 0)} alert checks in ${cases.length} scenarios, ${run.status === 0 ? 'SUCCESS' : 'FAILED'}`);
    expect(output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });
});
