import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
  return dir;
}

/** The monorepo's root, where the built services are found. */
export const ROOT = repositoryRoot();
