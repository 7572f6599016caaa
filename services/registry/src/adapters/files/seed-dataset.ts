import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Logger } from '@ecogrid/telemetry';
import type { ImportFile, ImportKind, ImportOutcome } from '../../app';

/** The files of a dataset directory, in the order their references need. */
export const DATASET_FILES: ReadonlyArray<[ImportKind, string]> = [
  ['district', 'district.geojson'],
  ['townships', 'townships.csv'],
  ['cells', 'cells.geojson'],
  ['officers', 'officers.csv'],
  ['enterprises', 'enterprises.csv'],
  ['devices', 'devices.csv'],
  ['targets', 'targets.csv'],
];

/** services/registry/data/<name> for a bare name such as `yanhu`, else the directory given. */
export function datasetDirectory(dataset: string): string {
  if (/^[a-z0-9-]+$/.test(dataset)) return resolve(__dirname, '../../../data', dataset);
  return isAbsolute(dataset) ? dataset : resolve(process.env.INIT_CWD ?? process.cwd(), dataset);
}

/**
 * Imports every file of a dataset through the same path as `Import`. Idempotent: unchanged records are
 * counted, not rewritten, and publish nothing. Stops at the first file that is not applied.
 */
export async function seedDataset(importFile: ImportFile, dataset: string, logger: Logger): Promise<Array<[ImportKind, ImportOutcome]>> {
  const directory = datasetDirectory(dataset);
  const outcomes: Array<[ImportKind, ImportOutcome]> = [];
  for (const [kind, file] of DATASET_FILES) {
    const outcome = await importFile(kind, await readFile(resolve(directory, file)));
    outcomes.push([kind, outcome]);
    const { applied, records, created, updated, unchanged } = outcome;
    logger.info({ kind, file, applied, records, created, updated, unchanged, warnings: outcome.problems.length }, 'seed file imported');
    if (!applied) {
      const first = outcome.problems.filter((problem) => !problem.warning).slice(0, 5);
      throw new Error(`seeding ${file} failed: ${first.map((problem) => `line ${problem.line} ${problem.field}: ${problem.message}`).join('; ')}`);
    }
  }
  return outcomes;
}
