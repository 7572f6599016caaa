import { commandStoreContract } from './command-store.contract';
import { createInMemoryCommandStore } from './in-memory-command-store';

commandStoreContract('in-memory fake', async () => createInMemoryCommandStore());
