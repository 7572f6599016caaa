import { repositoryRoot } from '@ecogrid/testkit';

/** The monorepo's root, where the built services are found. */
export const ROOT = repositoryRoot();
