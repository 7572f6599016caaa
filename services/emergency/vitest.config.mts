import { ecogridTestConfig } from '../../vitest.shared.mts';

export default ecogridTestConfig();
