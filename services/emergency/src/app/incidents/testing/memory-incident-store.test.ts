import { createMemoryIncidentStore } from './memory-incident-store';
import { describeIncidentStoreContract } from './incident-store.contract';

describeIncidentStoreContract('in memory', async () => ({ store: createMemoryIncidentStore(), close: async () => undefined }));
