import { hashPassword } from '../adapters/users/scrypt-passwords';

/** `node dist/cli/hash-password.js` reads a password from stdin and prints its scrypt hash for the users file. */
async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (password.length < 8) throw new Error('a password has at least 8 characters');
  console.log(await hashPassword(password));
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
