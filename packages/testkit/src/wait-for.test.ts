import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns the first value that satisfies the condition', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? calls : undefined), { intervalMs: 1 });
    expect(value).toBe(3);
  });

  it('keeps polling while the condition throws, then succeeds', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls += 1;
        if (calls < 2) throw new Error('not yet');
        return 'ready';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('ready');
  });

  it('fails with the description and the last error when time runs out', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('broker unreachable');
        },
        { timeoutMs: 30, intervalMs: 5, description: 'the broker' },
      ),
    ).rejects.toThrow(/waiting for the broker: broker unreachable/);
  });
});
