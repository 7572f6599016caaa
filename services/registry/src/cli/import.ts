import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { IMPORT_KINDS, type ImportKind } from '../app';
import { openCli, runCli } from './registry-cli';

const USAGE = `usage: registry import <kind> <file> [--dry-run]
  kind: ${IMPORT_KINDS.join(', ')}
  cells and district are GeoJSON; the others CSV (UTF-8, with or without BOM).
  Environment: DATABASE_URL, REGISTRY_SCHEMA (default registry), KAFKA_BROKERS and TOPIC_PREFIX to publish at once.`;

runCli(async () => {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  const dryRun = args.includes('--dry-run');
  const [kind, file] = args.filter((arg) => !arg.startsWith('--'));
  if (!kind || !file || !(IMPORT_KINDS as readonly string[]).includes(kind)) {
    console.error(USAGE);
    return 2;
  }
  // `pnpm --filter` runs us in services/registry: resolve the path from where the user typed it.
  const content = await readFile(resolve(process.env.INIT_CWD ?? process.cwd(), file));
  const cli = await openCli();
  try {
    const outcome = await cli.importFile(kind as ImportKind, content, { dryRun });
    for (const problem of outcome.problems) {
      console.log(`${problem.warning ? 'warning' : 'error'}  ${kind === 'cells' || kind === 'district' ? 'feature' : 'line'} ${problem.line}  ${problem.field || '-'}  ${problem.code}  ${problem.recordId ?? ''}  ${problem.message}`);
    }
    if (!outcome.applied) {
      console.log(dryRun && !outcome.problems.some((problem) => !problem.warning) ? `dry run: ${outcome.records} records would be imported` : `rejected: nothing was written (${outcome.problems.filter((problem) => !problem.warning).length} problems)`);
      return dryRun && !outcome.problems.some((problem) => !problem.warning) ? 0 : 1;
    }
    console.log(`imported ${outcome.records} records: ${outcome.created} created, ${outcome.updated} updated, ${outcome.unchanged} unchanged`);
    await cli.relayOutbox();
    return 0;
  } finally {
    await cli.close();
  }
});
