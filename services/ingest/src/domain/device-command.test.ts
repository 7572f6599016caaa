import { describe, expect, it } from 'vitest';
import {
  abandoned,
  answerOverdue,
  dataReceived,
  executionAnswered,
  expire,
  markSent,
  newCommand,
  nextRequestNumber,
  notificationAnswered,
  requestAnswered,
  type DeviceCommand,
  type Transition,
} from './device-command';

const T0 = new Date('2026-12-06T08:00:00.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);
const ok = (transition: Transition): DeviceCommand => {
  if (!transition.ok) throw new Error(transition.why);
  return transition.command;
};
const queued = (overrides: Partial<Parameters<typeof newCommand>[0]> = {}): DeviceCommand =>
  newCommand({ id: 'c1', deviceMn: 'MN1', commandCode: '1062', kind: 'request', params: { RtdInterval: '60' }, origin: 'operator', requestedBy: 'op-1', overTimeSeconds: 10, reCount: 3, maxQueueMs: 60_000, ...overrides }, T0);

describe('device command lifecycle', () => {
  it('goes queued → sent → accepted → succeeded on 9011 QnRtn=1 and 9012 ExeRtn=1', () => {
    const sent = ok(markSent(queued(), '20261206160000000', at(10)));
    expect(sent).toMatchObject({ state: 'sent', attempts: 1, requestNumber: '20261206160000000', sentTime: at(10), deadline: at(10_010) });
    const accepted = ok(requestAnswered(sent, 1, at(50)));
    expect(accepted).toMatchObject({ state: 'accepted', qnRtn: 1, deadline: at(10_050) });
    const done = ok(executionAnswered(accepted, 1, at(80)));
    expect(done).toMatchObject({ state: 'succeeded', exeRtn: 1, finishedTime: at(80), deadline: null, reason: '' });
  });

  it('is refused, with the reason in zh-CN, on a QnRtn other than 1 and then waits for no 9012', () => {
    const refused = ok(requestAnswered(ok(markSent(queued(), 'q', T0)), 3, at(5)));
    expect(refused).toMatchObject({ state: 'refused', qnRtn: 3, reason: 'refused_3', reasonText: 'PW 错误', deadline: null });
    expect(executionAnswered(refused, 1, at(6)).ok).toBe(false);
  });

  it('fails with the reason of an ExeRtn other than 1', () => {
    const failed = ok(executionAnswered(ok(requestAnswered(ok(markSent(queued(), 'q', T0)), 1, at(1))), 5, at(2)));
    expect(failed).toMatchObject({ state: 'failed', exeRtn: 5, reason: 'failed_5', reasonText: '系统繁忙不能执行' });
  });

  it('keeps the data a device sends for the command and waits OverTime again for the 9012', () => {
    const accepted = ok(requestAnswered(ok(markSent(queued({ commandCode: '1061', params: {} }), 'q', T0)), 1, at(1)));
    const withData = ok(dataReceived(accepted, { commandCode: '1061', receivedTime: at(3), params: { RtdInterval: '30' } }, at(3)));
    expect(withData.data).toEqual([{ commandCode: '1061', receivedTime: at(3), params: { RtdInterval: '30' } }]);
    expect(withData.deadline).toEqual(at(10_003));
  });

  it('is re-sent ReCount times with the same QN, OverTime apart, and then times out', () => {
    let command = ok(markSent(queued({ reCount: 2 }), 'q', T0));
    const resends: number[] = [];
    for (let step = 1; step <= 3; step += 1) {
      const transition = answerOverdue(command, at(step * 10_000));
      command = ok(transition);
      if (transition.resend) resends.push(command.attempts);
    }
    expect(resends).toEqual([2, 3]);
    expect(command).toMatchObject({ state: 'timed_out', attempts: 3, requestNumber: 'q', reason: 'no_answer', finishedTime: at(30_000) });
  });

  it('times out without a re-send when the 9012 does not come after the 9011', () => {
    const accepted = ok(requestAnswered(ok(markSent(queued(), 'q', T0)), 1, at(1)));
    const transition = answerOverdue(accepted, at(10_001));
    expect(transition.resend).toBeUndefined();
    expect(ok(transition)).toMatchObject({ state: 'timed_out', reason: 'no_result', attempts: 1 });
  });

  it('answers a notification with 9013, not 9011', () => {
    const sent = ok(markSent(queued({ commandCode: '2012', kind: 'notification', params: {} }), 'q', T0));
    expect(requestAnswered(sent, 1, at(1)).ok).toBe(false);
    expect(ok(notificationAnswered(sent, at(1))).state).toBe('succeeded');
  });

  it('expires unsent once its queueing time is over, and not before', () => {
    expect(expire(queued(), at(59_999)).ok).toBe(false);
    expect(ok(expire(queued(), at(60_000)))).toMatchObject({ state: 'expired', reason: 'not_connected' });
    expect(expire(ok(markSent(queued(), 'q', T0)), at(120_000)).ok).toBe(false);
  });

  it('lets the sweep end an in-flight command only after its deadline plus the grace', () => {
    const sent = ok(markSent(queued(), 'q', T0));
    expect(abandoned(sent, at(10_000 + 29_999), 30_000).ok).toBe(false);
    expect(ok(abandoned(sent, at(40_000), 30_000))).toMatchObject({ state: 'timed_out' });
  });

  it('refuses late and repeated answers: a finished command never changes', () => {
    const done = ok(executionAnswered(ok(requestAnswered(ok(markSent(queued(), 'q', T0)), 1, at(1))), 1, at(2)));
    expect(requestAnswered(done, 1, at(3)).ok).toBe(false);
    expect(executionAnswered(done, 2, at(3)).ok).toBe(false);
    expect(answerOverdue(done, at(99_999)).ok).toBe(false);
    expect(dataReceived(done, { commandCode: '1062', receivedTime: at(3), params: {} }, at(3)).ok).toBe(false);
  });
});

describe('nextRequestNumber', () => {
  it('writes Beijing time with milliseconds and stays strictly after the previous QN', () => {
    expect(nextRequestNumber(new Date('2026-12-06T08:00:00.123Z'), undefined)).toBe('20261206160000123');
    expect(nextRequestNumber(new Date('2026-12-06T08:00:00.123Z'), '20261206160000123')).toBe('20261206160000124');
    expect(nextRequestNumber(new Date('2026-12-06T08:00:00.123Z'), '20261206155959999')).toBe('20261206160000123');
  });
});
