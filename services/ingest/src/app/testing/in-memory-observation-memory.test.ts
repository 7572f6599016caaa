import { createInMemoryObservationMemory } from './in-memory-observation-memory';
import { observationMemoryContract } from './observation-memory.contract';

observationMemoryContract('in-memory fake', async () => createInMemoryObservationMemory());
