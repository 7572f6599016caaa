import { randomBytes } from 'node:crypto';
import { createRotateDevicePassword } from '../app';
import { createPostgresRegistry } from '../adapters/postgres/postgres-registry';
import { openCli, runCli } from './registry-cli';

const USAGE = `usage: registry rotate-password <mn> [--password <new password>]
  Gives the device a new HJ 212 password (a random one unless given), prints it once, and publishes the new
  verifier; ingest refuses the old password once it has read the change. Configure the device with the new one.
  Environment: DATABASE_URL, REGISTRY_SCHEMA (default registry), KAFKA_BROKERS and TOPIC_PREFIX to publish at once.`;

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/** 16 characters from an alphabet without look-alikes and without HJ 212's delimiters: about 93 bits. */
function randomPassword(): string {
  return [...randomBytes(16)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
}

runCli(async () => {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  const at = args.indexOf('--password');
  const given = at >= 0 ? args[at + 1] : undefined;
  const [mn] = args.filter((arg, index) => !arg.startsWith('--') && (at < 0 || index !== at + 1));
  if (!mn || (at >= 0 && !given)) {
    console.error(USAGE);
    return 2;
  }
  const cli = await openCli();
  try {
    const rotate = createRotateDevicePassword({ registry: createPostgresRegistry(cli.pool, cli.registryOptions), randomPassword });
    const rotated = await rotate(mn, given);
    console.log(`device ${rotated.mn}: new password ${rotated.password}`);
    await cli.relayOutbox();
    return 0;
  } finally {
    await cli.close();
  }
});
