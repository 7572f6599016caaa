import { createRegistryViewFromSnapshot } from '@ecogrid/registry-view';
import { gridDirectoryContract } from '../../../test/contracts/grid-directory-contract';
import { registrySnapshotOf } from '../../../test/contracts/grid-fixture';
import { createInMemoryGridDirectory } from '../../../test/contracts/in-memory-grid-directory';
import { createRegistryGridDirectory } from './registry-grid-directory';

gridDirectoryContract('in memory', createInMemoryGridDirectory);
gridDirectoryContract('over the RegistryView', (fixture) => createRegistryGridDirectory(createRegistryViewFromSnapshot(registrySnapshotOf(fixture))));
