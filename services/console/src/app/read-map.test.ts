import { describe, expect, it } from 'vitest';
import { createReadMapLayers } from './read-map';
import type { GridRegistry } from './ports';

const user = { username: 'd', displayName: 'D', role: 'dispatcher' as const };

function registry(): GridRegistry & { reads: number; failNext: boolean } {
  const fake = {
    reads: 0,
    failNext: false,
    cells: async () => {
      fake.reads += 1;
      if (fake.failNext) {
        fake.failNext = false;
        throw new Error('registry unavailable');
      }
      return [{ id: 'YH0001', name: '第1网格', townshipCode: 't1', rings: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]] as Array<[number, number]>] }];
    },
    townshipNames: async () => new Map([['t1', '冯村乡']]),
    devices: async () => [],
    targets: async () => [],
    locate: async () => {
      throw new Error('not used');
    },
  };
  return fake;
}

describe('the map layers', () => {
  it('serves one copy to every user until it is older than the TTL, with township outlines drawn from the cells', async () => {
    let now = 0;
    const grid = registry();
    const read = createReadMapLayers({ registry: grid, ttlMs: 1_000, now: () => now });
    const first = await read(user);
    expect(first.townships).toEqual([expect.objectContaining({ code: 't1', name: '冯村乡' })]);
    expect(first.townships[0]?.segments).toHaveLength(4);
    now = 999;
    await read({ ...user, username: 'other' });
    expect(grid.reads).toBe(1);
    now = 1_001;
    await read(user);
    expect(grid.reads).toBe(2);
  });

  it('does not keep a failed read: the next request asks the registry again', async () => {
    const grid = registry();
    grid.failNext = true;
    const read = createReadMapLayers({ registry: grid, ttlMs: 60_000, now: () => 0 });
    await expect(read(user)).rejects.toThrow('registry unavailable');
    await expect(read(user)).resolves.toMatchObject({ cells: [expect.objectContaining({ id: 'YH0001' })] });
  });
});
