import { describe, expect, it } from 'vitest';
import { Cell } from '@ecogrid/proto/registry/v1/entities';
import { createRegistryViewFromSnapshot } from './create-registry-view-from-snapshot';
import { registryViewContract } from '../test/fixtures/registry-view-contract';

registryViewContract('from a snapshot', async (initial) => {
  const view = createRegistryViewFromSnapshot(initial);
  return {
    view,
    put: async (entities) => view.put(entities),
    remove: async (entity, id) => view.remove(entity, id),
    close: () => view.stop(),
  };
});

describe('createRegistryViewFromSnapshot', () => {
  it('keeps a cell whose geometry cannot be read out of the index instead of failing', () => {
    const view = createRegistryViewFromSnapshot({ cells: [Cell.create({ id: 'bad', townshipCode: 'T', geometryGeojson: '{"type":"Point","coordinates":[1,2]}' })] });
    expect(view.counts().cell).toBe(0);
    expect(view.locate(1, 2)).toBeUndefined();
  });
});
