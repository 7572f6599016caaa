import { readFileSync } from 'node:fs';

/**
 * MN → password from a CSV with `mn` and `password` columns (the registry's devices file has both). The
 * simulator plays devices, and a device knows its own password; the registry publishes only verifiers, so the
 * passwords come from where the devices were configured, never from a topic.
 */
export function readDevicePasswords(path: string): Map<string, string> {
  const [header, ...rows] = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  const columns = (header ?? '').split(',').map((column) => column.trim());
  const mnAt = columns.indexOf('mn');
  const passwordAt = columns.indexOf('password');
  if (mnAt < 0 || passwordAt < 0) throw new Error(`${path}: needs the columns mn and password`);
  const passwords = new Map<string, string>();
  for (const row of rows) {
    // Only the mn and password columns matter, and neither may hold a comma (HJ 212 forbids it in a PW).
    const cells = row.split(',');
    const mn = cells[mnAt]?.trim();
    const password = cells[passwordAt]?.trim();
    if (mn && password) passwords.set(mn, password);
  }
  return passwords;
}
