import { dirname, join } from 'node:path';

/** The repository root, from this package's place in it (deploy/manifest-checks/src). */
export const REPO_ROOT = join(dirname(__filename), '..', '..', '..');

export const repoPath = (...parts: string[]): string => join(REPO_ROOT, ...parts);
