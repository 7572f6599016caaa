import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTopics, waitFor, type TopicRecorder } from '@ecogrid/testkit';
import { api, createWorld, decodeCase, startDispatch, token, type DispatchWorld, type RunningDispatch } from './support/dispatch-harness';

/**
 * The real policy v1 at 1/1000 of its time: an urgent case must be accepted within 0.9 s (15 min), is
 * reminded at 0.72 s, escalates to the unit supervisor at 0.9 s and to the command center at 1.35 s.
 */
const SCALE = '0.001';

interface Entry {
  sequence: number;
  action: string;
  details: { level?: number; escalatedTo?: string; overdue?: boolean };
}

describe('dispatch: deadlines with two instances running', () => {
  let world: DispatchWorld;
  let first: RunningDispatch;
  let second: RunningDispatch;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    world = await createWorld('dispatch-escalation');
    recorder = await recordTopics(world.kafka, [world.topics.cases]);
    const env = { DEADLINE_TIME_SCALE: SCALE, TIMER_POLL_MS: '50' };
    [first, second] = await Promise.all([startDispatch(world, env), startDispatch(world, env)]);
  });

  afterAll(async () => {
    await Promise.all([first?.process.stop(), second?.process.stop()]);
    await recorder?.stop();
    await world?.close();
  });

  const history = async (caseId: string): Promise<Entry[]> =>
    (await api<{ history: Entry[] }>(first.baseUrl, 'GET', `/v1/cases/${caseId}`, { token: await token('analyst') })).body.history;

  const createUrgent = async (via: RunningDispatch, title: string): Promise<string> => {
    const created = await api<{ case: { id: string; status: string; assignee_officer_id: string } }>(via.baseUrl, 'POST', '/v1/cases', {
      token: await token('dispatcher'),
      body: { case_type: 'dust', title, priority: 'urgent', location: { lon: 111.005, lat: 35.005 } },
    });
    expect(created.status).toBe(201);
    expect(created.body.case.status).toBe('dispatched');
    return created.body.case.id;
  };

  it('reminds, escalates to the unit supervisor, then to the district command center — each exactly once', async () => {
    const caseId = await createUrgent(second, '工地扬尘未覆盖');
    const entries = await waitFor(
      async () => {
        const list = await history(caseId);
        return list.filter((entry) => entry.action === 'escalated').length >= 2 ? list : undefined;
      },
      { timeoutMs: 15_000, description: 'two escalations' },
    );
    // Let both instances poll many more times: nothing more may fire for this step.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const settled = await history(caseId);
    expect(settled.map((entry) => entry.action)).toEqual(['registered', 'dispatched', 'reminded', 'escalated', 'escalated']);
    const escalations = settled.filter((entry) => entry.action === 'escalated');
    expect(escalations.map((entry) => [entry.details.level, entry.details.escalatedTo, entry.details.overdue])).toEqual([
      [1, 'S-001', true],
      [2, 'district-command-center', true],
    ]);
    expect(entries.length).toBeLessThanOrEqual(settled.length);
    const published = await recorder.waitForCount(5, (message) => message.key === caseId);
    const distinct = new Map(published.map((message) => [message.headers.ce_id, decodeCase(message.value)]));
    expect([...distinct.values()].filter((event) => event.action === 'escalated').map((event) => event.escalationLevel)).toEqual([1, 2]);
    const { rows } = await world.db.query<{ n: string }>('SELECT count(*) AS n FROM timers WHERE case_id = $1', [caseId]);
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('keeps timers across a restart of every instance', async () => {
    const caseId = await createUrgent(first, '渣土车遗撒');
    await Promise.all([first.process.kill9(), second.process.kill9()]);
    // Nobody runs while the deadline passes; the timers wait in PostgreSQL.
    const { rows } = await world.db.query<{ kind: string }>('SELECT kind FROM timers WHERE case_id = $1 ORDER BY due_at', [caseId]);
    expect(rows.map((row) => row.kind)).toEqual(['remind', 'overdue', 'escalate_again']);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    first = await startDispatch(world, { DEADLINE_TIME_SCALE: SCALE, TIMER_POLL_MS: '50' });
    second = await startDispatch(world, { DEADLINE_TIME_SCALE: SCALE, TIMER_POLL_MS: '50' });
    const entries = await waitFor(
      async () => {
        const list = await history(caseId);
        return list.filter((entry) => entry.action === 'escalated').length >= 2 ? list : undefined;
      },
      { timeoutMs: 15_000, description: 'escalations after the restart' },
    );
    expect(entries.map((entry) => entry.action)).toEqual(['registered', 'dispatched', 'reminded', 'escalated', 'escalated']);
  });
});
