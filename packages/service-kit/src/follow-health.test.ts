import { describe, expect, it } from 'vitest';
import { createLogger } from '@ecogrid/telemetry';
import { waitFor } from '@ecogrid/testkit';
import { createDependencyHealth } from './dependency-health';
import { followHealth } from './follow-health';

describe('followHealth', () => {
  it('follows the dependencies: serving while they answer, not serving while one is down, serving again after', async () => {
    let postgresUp = true;
    const health = createDependencyHealth(
      [
        {
          name: 'postgres',
          check: async () => {
            if (!postgresUp) throw new Error('ECONNREFUSED');
          },
        },
      ],
      { logger: createLogger({ service: 'follow-test', level: 'silent' }), cacheMs: 0 },
    );
    const changes: boolean[] = [];
    const follower = followHealth(health, (serving) => changes.push(serving), 10);
    try {
      await waitFor(() => changes.length === 1);
      postgresUp = false;
      await waitFor(() => changes.length === 2);
      postgresUp = true;
      await waitFor(() => changes.length === 3);
      expect(changes).toEqual([true, false, true]);
    } finally {
      follower.stop();
    }
  });
});
