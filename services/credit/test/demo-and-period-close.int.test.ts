/**
 * The Yanhu demo seed through credit's own API gives every colour of the national profile, and closing the period
 * freezes the ratings: the public list of the closed period shows them, and the new period starts afresh.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_STAFF_TOKEN_SECRET } from '@ecogrid/e2e';
import { CreditColour, RatingChangeKind } from '@ecogrid/proto/credit/v1/events';
import { recordTopics, waitFor, type TopicRecorder } from '@ecogrid/testkit';
import { call, createWorld, ratingsOf, startCredit, testUscc, type CreditWorld, type RunningCredit } from './support/credit-world';

const usccs = Array.from({ length: 5 }, (_, index) => testUscc(200 + index));

function runSeed(world: CreditWorld, credit: RunningCredit, clockStart: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [resolve(__dirname, '../dist/cli/seed-demo.js')], {
      env: { ...process.env, KAFKA_BROKERS: world.kafkaBrokers, DATABASE_URL: world.databaseUrl, TOPIC_PREFIX: world.prefix, GRPC_ADDRESS: credit.grpcAddress, STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET, CREDIT_CLOCK_START: clockStart, LOG_LEVEL: 'warn' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolvePromise(output) : reject(new Error(`seed exited ${code}: ${output}`))));
  });
}

describe('credit demo seed and period close', () => {
  let world: CreditWorld;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    world = await createWorld('credit-demo', usccs.map((uscc, index) => ({ uscc, name: `演示企业${index + 1}`, outletDevices: [] })));
    recorder = await recordTopics(world.kafka, [world.topics.credit]);
  });
  afterAll(async () => {
    await recorder?.stop();
    await world?.close();
  });

  it('the seed shows green, blue, yellow and red; a second run enters nothing new; closing 2026 freezes them', async () => {
    const june = '2026-06-15T04:00:00.000Z';
    let credit = await startCredit(world, june);
    try {
      console.log((await runSeed(world, credit, june)).trim());
      const ledgerRows = async () => Number((await world.db.query<{ count: string }>('SELECT count(*) FROM ledger')).rows[0]?.count);
      const afterFirst = await ledgerRows();
      await runSeed(world, credit, june);
      expect(await ledgerRows()).toBe(afterFirst);
      const colourOf = async (uscc: string) => (await call(credit.client, 'getRating', { enterpriseUscc: uscc }, { role: 'analyst' })).rating?.colour;
      const colours = await Promise.all(usccs.map(colourOf));
      console.log(`demo colours: ${colours.map((colour) => CreditColour[colour ?? 0]).join(', ')}`);
      expect(colours).toEqual([CreditColour.CREDIT_COLOUR_BLUE, CreditColour.CREDIT_COLOUR_BLUE, CreditColour.CREDIT_COLOUR_YELLOW, CreditColour.CREDIT_COLOUR_RED, CreditColour.CREDIT_COLOUR_GREEN]);
      const refused = await call(credit.client, 'closePeriod', { period: '2026' }, { role: 'admin' }).catch((error: { code: number }) => error);
      expect((refused as { code: number }).code).toBe(9);
    } finally {
      await credit.service.stop();
    }

    // January 2027: the 2026 period can be closed.
    credit = await startCredit(world, '2027-01-10T02:00:00.000Z');
    try {
      const closed = await call(credit.client, 'closePeriod', { period: '2026' }, { role: 'admin', sub: 'admin-1' });
      expect(closed.ratingsFrozen).toBe(5);
      const list = await call(credit.client, 'listPublicRatings', { period: '2026', pageSize: 10, pageToken: '' });
      expect(list.closed).toBe(true);
      expect(list.ratings.map((rating) => rating.level)).toEqual(['blue', 'blue', 'yellow', 'red', 'green']);
      const frozen = await waitFor(() => {
        const events = ratingsOf(recorder.messages, world.topics.credit).filter((rating) => rating.changeKind === RatingChangeKind.RATING_CHANGE_KIND_PERIOD_CLOSE);
        return events.length >= 5 ? events : undefined;
      }, { timeoutMs: 20_000, description: 'five period-close events' });
      expect(new Set(frozen.map((rating) => rating.period))).toEqual(new Set(['2026']));
      const again = await call(credit.client, 'closePeriod', { period: '2026' }, { role: 'admin' }).catch((error: { code: number }) => error);
      expect((again as { code: number }).code).toBe(9);
      const current = await call(credit.client, 'getRating', { enterpriseUscc: usccs[3] }, { role: 'analyst' });
      expect(current.rating).toMatchObject({ period: '2027', level: 'green' });
      console.log(`closed 2026: ${closed.ratingsFrozen} ratings frozen and published; ${usccs[3]} starts 2027 at ${current.rating?.level}`);
    } finally {
      await credit.service.stop();
    }
  });
});
