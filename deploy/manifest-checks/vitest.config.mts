import { ecogridTestConfig } from '../../vitest.shared.mts';

const config = ecogridTestConfig();
// Compiling Strimzi's CRD schemas (the Kafka one is 330 kB) takes seconds on a busy 2-core machine, beyond
// vitest's 5 s default for a unit test.
config.test = { ...config.test, testTimeout: 30_000 };
export default config;
