import { earlyWarningStoreContract } from './early-warning-store.contract';
import { createInMemoryEarlyWarningStore } from './in-memory-early-warning-store';

earlyWarningStoreContract('in memory', async () => createInMemoryEarlyWarningStore());
