import { createInMemoryCheckpointStore } from './in-memory-checkpoint-store';
import { describeCheckpointStoreContract } from './checkpoint-store.contract';

describeCheckpointStoreContract('in memory', async () => createInMemoryCheckpointStore());
