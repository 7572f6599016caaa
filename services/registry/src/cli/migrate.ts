import { openCli, runCli } from './registry-cli';

/** `registry migrate`: applies pending migrations to REGISTRY_SCHEMA (the service also does at start-up). */
runCli(async () => {
  const cli = await openCli();
  await cli.close();
  console.log('migrations applied');
  return 0;
});
