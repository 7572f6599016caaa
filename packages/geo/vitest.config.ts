import { ecogridTestConfig } from '../../vitest.shared';

export default ecogridTestConfig();
