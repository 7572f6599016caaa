import { describe, expect, it } from 'vitest';
import { AckTracker } from './ack-tracker';

const bytes = (text: string) => () => new TextEncoder().encode(text);

describe('AckTracker (HJ 212 timeout and re-send, fake clock)', () => {
  it('re-sends a frame whose 9014 did not come within the timeout, up to maxRetries, then gives up', () => {
    const tracker = new AckTracker({ timeoutMs: 10_000, maxRetries: 3 });
    tracker.sent('Q1', bytes('frame-1'), 0);
    expect(tracker.expire(9_999)).toEqual({ resend: [], giveUp: [] });
    for (const [at, attempt] of [
      [10_000, 2],
      [20_000, 3],
      [30_000, 4],
    ] as const) {
      const { resend, giveUp } = tracker.expire(at);
      expect(giveUp).toEqual([]);
      expect(resend.map((entry) => [entry.qn, entry.attempts, entry.deadlineMs])).toEqual([['Q1', attempt, at + 10_000]]);
      expect(new TextDecoder().decode(resend[0]?.resendBytes())).toBe('frame-1');
      expect(tracker.expire(at + 9_999).resend).toEqual([]);
    }
    const last = tracker.expire(40_000);
    expect(last.resend).toEqual([]);
    expect(last.giveUp.map((entry) => [entry.qn, entry.attempts])).toEqual([['Q1', 4]]);
    expect(tracker.size).toBe(0);
  });

  it('stops waiting once the 9014 with the same QN arrives, and ignores replies it is not waiting for', () => {
    const tracker = new AckTracker({ timeoutMs: 5_000, maxRetries: 3 });
    tracker.sent('Q1', bytes('a'), 0);
    tracker.sent('Q2', bytes('b'), 100);
    expect(tracker.acknowledge('Q9')).toBeUndefined();
    expect(tracker.acknowledge('Q1')?.firstSentMs).toBe(0);
    expect(tracker.acknowledge('Q1')).toBeUndefined();
    expect(tracker.expire(5_100).resend.map((entry) => entry.qn)).toEqual(['Q2']);
  });

  it('re-sends a frame after a re-send that was itself acknowledged late only if still pending', () => {
    const tracker = new AckTracker({ timeoutMs: 1_000, maxRetries: 1 });
    tracker.sent('Q1', bytes('a'), 0);
    expect(tracker.expire(1_000).resend).toHaveLength(1);
    expect(tracker.acknowledge('Q1')?.attempts).toBe(2);
    expect(tracker.expire(5_000)).toEqual({ resend: [], giveUp: [] });
  });

  it('does not count time the device was switched off', () => {
    const tracker = new AckTracker({ timeoutMs: 1_000, maxRetries: 0 });
    tracker.sent('Q1', bytes('a'), 0);
    tracker.postpone(60_000);
    expect(tracker.expire(30_000).giveUp).toEqual([]);
    expect(tracker.expire(61_000).giveUp.map((entry) => entry.qn)).toEqual(['Q1']);
  });
});
