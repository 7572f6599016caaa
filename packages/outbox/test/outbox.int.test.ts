import { spans, telemetry } from './support/telemetry';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import { inTransaction } from '@ecogrid/postgres';
import { recordTopics, waitFor, type TopicRecorder } from '@ecogrid/testkit';
import { enqueue } from '../src';
import { createOutboxWorld, payloadsOf, type OutboxWorld } from './support/outbox-fixture';

/**
 * The contract of @ecogrid/outbox against the real PostgreSQL and Kafka: what every service that writes events
 * through it (registry, alerting, dispatch) relies on.
 */
describe('@ecogrid/outbox', () => {
  let world: OutboxWorld;
  let recorder: TopicRecorder;
  const onTopic = (id: string): number => recorder.messages.filter((message) => message.headers.ce_id === id).length;
  const waiting = async (): Promise<number> => (await world.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]?.n ?? -1;

  beforeAll(async () => {
    world = await createOutboxWorld('outbox-contract');
    recorder = await recordTopics(world.kafka, [world.topic]);
  });

  afterEach(async () => {
    await world?.stopRelays();
  });

  afterAll(async () => {
    await recorder?.stop();
    await world?.close();
  });

  it('publishes an event if and only if its transaction commits, with its envelope, and deletes the row once Kafka has it', async () => {
    const relay = await world.relay();
    await expect(
      inTransaction(world.pool, async (tx) => {
        await enqueue(tx, world.event('rolled-back', 1));
        throw new Error('the change fails after enqueueing');
      }),
    ).rejects.toThrow('the change fails');
    await world.change('committed', 1);
    const [message] = await recorder.waitForCount(1, (m) => m.headers.ce_id === 'committed:1');
    expect(message?.key).toBe('committed');
    expect(message?.value?.toString()).toBe('committed#1');
    expect(message?.headers).toMatchObject({
      ce_type: 'ecogrid.dispatch.v1.CaseChanged',
      ce_source: '/ecogrid/outbox-test',
      ce_time: '2026-12-06T02:00:01.000Z',
      ce_specversion: '1.0',
      'content-type': 'application/protobuf',
    });
    await waitFor(async () => (await waiting()) === 0, { description: 'the row to be deleted after the ack' });
    expect(onTopic('rolled-back:1')).toBe(0);
    await relay.stop();
  });

  it('continues the trace of the writer: the PRODUCER span is a child of the context the event was enqueued in', async () => {
    const relay = await world.relay();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentSpanId = '00f067aa0ba902b7';
    await world.change('traced', 1, { causedBy: { traceparent: `00-${traceId}-${parentSpanId}-01` } });
    const [message] = await recorder.waitForCount(1, (m) => m.headers.ce_id === 'traced:1');
    expect(message?.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const send = await waitFor(() => spans.getFinishedSpans().find((span) => span.name === `send ${world.topic}` && span.spanContext().traceId === traceId));
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.parentSpanContext?.spanId).toBe(parentSpanId);
    expect(message?.headers.traceparent).toContain(send.spanContext().spanId);
    await relay.stop();
  });

  it('wakes on the commit notification, long before its poll', async () => {
    const relay = await world.relay({ pollMs: 60_000 });
    await waitFor(() => relay.isLeader, { description: 'the lease' });
    const started = Date.now();
    await world.change('notified', 1);
    await recorder.waitForCount(1, (m) => m.headers.ce_id === 'notified:1', 30_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    await relay.stop();
  });

  it('still relays rows whose notification was lost, at its poll', async () => {
    const relay = await world.relay({ pollMs: 200 });
    await waitFor(() => relay.isLeader, { description: 'the lease' });
    // A row written without notifying: nothing tells the relay, as when a notification is lost in a reconnect.
    await inTransaction(world.pool, (tx) => enqueue(tx, world.event('unannounced', 1), { notify: false }));
    await recorder.waitForCount(1, (m) => m.headers.ce_id === 'unannounced:1');
    await relay.stop();
  });

  it('with two relays and concurrent writers, sends every event once and in commit order per key', async () => {
    const relays = [await world.relay({ batchSize: 7, pollMs: 20 }), await world.relay({ batchSize: 7, pollMs: 20 })];
    const keys = ['A', 'B', 'C'];
    for (let version = 1; version <= 40; version += 1) await Promise.all(keys.map((key) => world.change(`order-${key}`, version)));
    await recorder.waitForCount(120, (m) => m.key?.startsWith('order-') === true, 30_000);
    await waitFor(async () => (await waiting()) === 0, { description: 'the outbox to drain' });
    expect(relays.filter((relay) => relay.isLeader)).toHaveLength(1);
    const ours = recorder.messages.filter((message) => message.key?.startsWith('order-'));
    expect(new Set(ours.map((message) => message.headers.ce_id)).size).toBe(ours.length);
    expect(ours).toHaveLength(120);
    for (const key of keys) expect(payloadsOf(ours, `order-${key}`)).toEqual(Array.from({ length: 40 }, (_, index) => `order-${key}#${index + 1}`));
    for (const relay of relays) await relay.stop();
  });

  it('hands the lease to a standby when the leader stops, and when the leader loses its session', async () => {
    const [first, second] = [await world.relay({ pollMs: 50 }), await world.relay({ pollMs: 50 })];
    await waitFor(() => first.isLeader || second.isLeader, { description: 'a leader' });
    const [leader, standby] = first.isLeader ? [first, second] : [second, first];
    await leader.stop();
    await waitFor(() => standby.isLeader, { description: 'the standby to take the lease after a stop' });
    await world.change('after-stop', 1);
    await recorder.waitForCount(1, (m) => m.headers.ce_id === 'after-stop:1');

    const third = await world.relay({ pollMs: 50 });
    // The database ends the leader's session (a network cut, a failover): its lock goes with it.
    await world.pool.query(
      `SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.classid = hashtext('ecogrid.outbox')::oid AND l.objid = hashtext($1)::oid`,
      [world.schema.name],
    );
    await waitFor(() => third.isLeader || standby.isLeader, { description: 'a leader after the session was killed' });
    await world.change('after-kill', 1);
    await recorder.waitForCount(1, (m) => m.headers.ce_id === 'after-kill:1');
    expect([standby.isLeader, third.isLeader].filter(Boolean)).toHaveLength(1);
    await standby.stop();
    await third.stop();
  });

  it('when taking over, removes rows its predecessor sent but did not delete, and sends the rest once', async () => {
    await world.change('sent-before-crash', 1);
    await world.change('unsent-before-crash', 1);
    // What a relay that died between the broker's ack and its delete leaves: the event on the topic, the row waiting.
    const publisher = (await import('@ecogrid/kafka')).createEventPublisher({ kafka: world.kafka, source: '/ecogrid/outbox-test' });
    await publisher.connect();
    const row = world.event('sent-before-crash', 1);
    await publisher.publish({ topic: row.topic, key: row.key, value: Buffer.from(row.payload ?? []), type: row.type, id: row.id, time: row.time });
    await publisher.disconnect();
    await recorder.waitForCount(1, (m) => m.headers.ce_id === 'sent-before-crash:1');
    const relay = await world.relay();
    await recorder.waitForCount(1, (m) => m.headers.ce_id === 'unsent-before-crash:1');
    await waitFor(async () => (await waiting()) === 0, { description: 'the outbox to drain' });
    expect([onTopic('sent-before-crash:1'), onTopic('unsent-before-crash:1')]).toEqual([1, 1]);
    await relay.stop();
  });

  it('stores an event computed twice once while it waits, and not again once sent when it remembers sent ids', async () => {
    const count = async (id: string): Promise<number> => (await world.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE event_id = $1', [id])).rows[0]?.n ?? -1;
    const stored = await inTransaction(world.pool, async (tx) => (await enqueue(tx, [world.event('twice', 1), world.event('twice', 1)])) + (await enqueue(tx, world.event('twice', 1))));
    expect(stored).toBe(1);
    expect(await count('twice:1')).toBe(1);
    const relay = await world.relay({ rememberSentMs: 60_000 });
    await recorder.waitForCount(1, (m) => m.headers.ce_id === 'twice:1');
    await waitFor(async () => (await count('twice:1')) === 0, { description: 'the row to be deleted' });
    expect(await inTransaction(world.pool, (tx) => enqueue(tx, world.event('twice', 1)))).toBe(0);
    await relay.stop();
  });

  it('reports the backlog and the age of its oldest event on /metrics', async () => {
    let server: Server | undefined;
    const relay = await world.relay({ pollMs: 50 });
    await waitFor(() => relay.isLeader, { description: 'the lease' });
    await relay.stop();
    // Nobody relays now: two events wait.
    await world.change('metric', 1);
    await world.change('metric', 2);
    const standing = await world.relay({ pollMs: 60_000 });
    try {
      server = createServer((request, response) => telemetry.handleMetrics(request, response));
      await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/metrics`;
      const sample = (text: string, name: string): number => Number(new RegExp(`^${name}\\{schema="${world.schema.name}"\\} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
      // The standby-less relay takes the lease and drains; before it does, or after, the gauges agree with the table.
      const text = await (await fetch(url)).text();
      const backlog = sample(text, 'outbox_backlog');
      expect(backlog === 2 || backlog === 0).toBe(true);
      expect(sample(text, 'outbox_relay_lag_seconds')).toBeGreaterThanOrEqual(0);
      await recorder.waitForCount(2, (m) => m.key === 'metric');
      await waitFor(async () => sample(await (await fetch(url)).text(), 'outbox_backlog') === 0, { description: 'the backlog gauge to fall to 0' });
      expect(sample(await (await fetch(url)).text(), 'outbox_relay_lag_seconds')).toBe(0);
      expect(Number(/^outbox_published_total\{schema="[^"]+"\} (\S+)/m.exec(await (await fetch(url)).text())?.[1])).toBeGreaterThan(0);
    } finally {
      await standing.stop();
      await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    }
  });

  it('kill -9 of the process holding the lease mid-stream: a successor sends every event exactly once', async () => {
    const children: ChildProcess[] = [];
    const startChild = async (): Promise<ChildProcess> => {
      const child = spawn(process.execPath, ['--conditions=@ecogrid/source', '--import', 'tsx', resolve(__dirname, 'support/relay-child.ts')], {
        cwd: resolve(__dirname, '..'),
        env: { ...process.env, DATABASE_URL: world.databaseUrl, KAFKA_BROKERS: world.kafkaBrokers, OUTBOX_SCHEMA: world.schema.name, OUTBOX_BATCH: '25' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      await waitFor(() => out.includes('leader'), { timeoutMs: 30_000, description: 'the child relay to take the lease' });
      return child;
    };
    try {
      const victim = await startChild();
      const keys = Array.from({ length: 25 }, (_, index) => `crash-${index}`);
      const versions = 60;
      const total = keys.length * versions;
      const ours = (m: { key: string | null }): boolean => m.key?.startsWith('crash-') === true;
      const writing = (async () => {
        for (let version = 1; version <= versions; version += 1) await Promise.all(keys.map((key) => world.change(key, version)));
      })();
      await recorder.waitForCount(200, ours, 30_000);
      victim.kill('SIGKILL');
      const sentBeforeKill = recorder.messages.filter(ours).length;
      await writing;
      const successor = await world.relay({ pollMs: 50 });
      await recorder.waitForCount(total, ours, 60_000);
      await waitFor(async () => (await waiting()) === 0, { description: 'the outbox to drain' });
      const received = recorder.messages.filter(ours).map((m) => m.headers.ce_id ?? '');
      const distinct = new Set(received);
      process.stdout.write(`outbox kill -9 after ${sentBeforeKill} of ${total} events: received ${received.length} records, ${distinct.size} distinct, ${received.length - distinct.size} duplicates\n`);
      expect(sentBeforeKill).toBeLessThan(total);
      expect(distinct.size).toBe(total);
      expect(received).toHaveLength(total);
      for (const key of keys) expect(payloadsOf(recorder.messages, key)).toEqual(Array.from({ length: versions }, (_, index) => `${key}#${index + 1}`));
      await successor.stop();
    } finally {
      for (const child of children) child.kill('SIGKILL');
    }
  });
});
