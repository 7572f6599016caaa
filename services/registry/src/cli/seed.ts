import { seedDataset } from '../adapters/files/seed-dataset';
import { openCli, runCli } from './registry-cli';

/** `registry seed [dataset]`: imports a whole dataset (default: the Yanhu demo data), idempotently. */
runCli(async () => {
  const dataset = process.argv.slice(2).find((arg) => arg !== '--') ?? 'yanhu';
  const cli = await openCli();
  try {
    for (const [kind, outcome] of await seedDataset(cli.importFile, dataset, cli.logger)) {
      console.log(`${kind.padEnd(12)} ${String(outcome.records).padStart(5)} records: ${outcome.created} created, ${outcome.updated} updated, ${outcome.unchanged} unchanged`);
    }
    await cli.relayOutbox();
    return 0;
  } finally {
    await cli.close();
  }
});
