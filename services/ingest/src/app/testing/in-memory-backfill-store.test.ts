import { backfillStoreContract } from './backfill-store.contract';
import { createInMemoryBackfillStore } from './in-memory-backfill-store';

backfillStoreContract('in-memory fake', async () => createInMemoryBackfillStore());
