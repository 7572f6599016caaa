import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startIngestProcess, type IngestProcess } from '@ecogrid/e2e';
import { Device } from '@ecogrid/proto/registry/v1/entities';
import { ensureTopics } from '@ecogrid/kafka';
import { startPrivateKafkaCluster, startPrivateRedis, testKafka, uniqueRedisPrefix, waitFor, type PrivateKafkaCluster, type PrivateServer } from '@ecogrid/testkit';
import { CEMS, publishDevices } from './support/registry-fixtures';
import { startDeviceFleet, type DeviceFleet } from './support/device-fleet';
import { compareAcknowledgedWithTopic } from './support/acknowledged-on-topic';

const DEVICES = Array.from({ length: 12 }, (_, index) => Device.create({ ...CEMS, mn: `SCALE${String(index).padStart(9, '0')}`, password: `pw-${index}` }));

/**
 * Ingest beyond one process and one broker, on servers of the test's own: a three-node Kafka cluster (replication
 * factor 3, min.insync.replicas 2, as deploy/local/kafka/cluster.sh runs it) and a Redis. Two ingest instances share
 * the devices as two platform addresses (or a TCP balancer) would; each test kills one part under HJ 212 load and
 * prints what it compared: every frame a device got a 9014 for must be on ecogrid.readings.v1, once.
 */
describe('ingest scaled out: two instances on a three-broker cluster', () => {
  let cluster: PrivateKafkaCluster;
  let redis: PrivateServer;
  let instances: IngestProcess[] = [];
  let fleet: DeviceFleet | undefined;

  beforeAll(async () => {
    [cluster, redis] = await Promise.all([startPrivateKafkaCluster(), startPrivateRedis()]);
    const client = testKafka(cluster.url);
    await ensureTopics(client, {});
    await waitFor(() => publishDevices(client, '', DEVICES).then(() => true), { timeoutMs: 60_000, intervalMs: 500, description: 'the devices on the private cluster' });
  }, 240_000);

  afterEach(async () => {
    await fleet?.stop(1_000);
    await Promise.all(instances.map((instance) => instance.service.kill9()));
    instances = [];
  });

  afterAll(async () => {
    await Promise.all([cluster?.destroy(), redis?.destroy()]);
  });

  const hoursAgo = (hours: number): Date => new Date(Date.now() - hours * 3_600_000);
  const startInstances = async (count: number): Promise<IngestProcess[]> => {
    const redisPrefix = uniqueRedisPrefix('ingest-scale');
    instances = await Promise.all(
      Array.from({ length: count }, () =>
        startIngestProcess({ kafkaBrokers: cluster.url, redisUrl: redis.url, topicPrefix: '', redisPrefix, env: { DEVICE_RATE_LIMIT_PER_S: '0', ADDRESS_RATE_LIMIT_PER_S: '0', LOG_LEVEL: 'error' } }),
      ),
    );
    return instances;
  };
  const ackedAtLeast = (count: number, description: string) => waitFor(() => (fleet?.counts().acknowledged ?? 0) >= count, { timeoutMs: 90_000, description });

  /** Every acknowledged observation on the topic; returns how many of them are there more than once. */
  const compare = async (label: string, acknowledged: ReadonlySet<string>, extra: string): Promise<number> => {
    const { missing, twice } = await compareAcknowledgedWithTopic(cluster.url, acknowledged, label);
    const counts = fleet?.counts();
    console.log(
      `[fault: ${label}] ${extra}; sent ${counts?.sent} observations in ${counts?.transmissions} transmissions (${counts?.reconnects} reconnects); ` +
        `acknowledged ${acknowledged.size}; acknowledged but missing ${missing.length}; acknowledged and on the topic more than once ${twice}`,
    );
    expect(missing).toEqual([]);
    return twice;
  };

  it('loses nothing acknowledged when one of two ingest instances is killed with SIGKILL: its devices move to the other', { timeout: 240_000 }, async () => {
    const [first, second] = await startInstances(2);
    if (!first || !second) throw new Error('two instances expected');
    fleet = startDeviceFleet({ port: [first.hj212Port, second.hj212Port], devices: DEVICES, start: hoursAgo(6) });
    await ackedAtLeast(300, 'traffic on both instances');
    const onSecondBefore = await second.metric('ingest_connections');
    await first.service.kill9();
    const killedAt = Date.now();
    const atKill = fleet.counts().acknowledged;
    // Failover time: until every device is connected to the survivor again.
    await waitFor(async () => (await second.metric('ingest_connections')) >= DEVICES.length, { timeoutMs: 60_000, description: 'every device on the surviving instance' });
    const failoverMs = Date.now() - killedAt;
    await ackedAtLeast(atKill + 300, 'traffic after the kill');
    await fleet.stop();
    const twice = await compare('kill -9 one of two ingest instances', fleet.acknowledgedIds, `devices on the survivor before the kill ${onSecondBefore}, all ${DEVICES.length} on it ${failoverMs} ms after the kill`);
    // A frame stored whose 9014 died with the killed process is re-sent to the survivor, and published again when
    // its "seen" mark had not been written yet: consumers drop it by observation id. At most one per device.
    expect(twice).toBeLessThanOrEqual(DEVICES.length);
  });

  it('loses nothing acknowledged, and publishes nothing twice, when one broker of three is killed with SIGKILL under HJ 212 load', { timeout: 300_000 }, async () => {
    const [only] = await startInstances(1);
    if (!only) throw new Error('an instance expected');
    fleet = startDeviceFleet({ port: only.hj212Port, devices: DEVICES, start: hoursAgo(8) });
    await ackedAtLeast(300, 'traffic before the broker dies');
    const victim = cluster.nodes[0];
    if (!victim) throw new Error('a node expected');
    await victim.kill9();
    const killedAt = Date.now();
    const atKill = fleet.counts().acknowledged;
    await ackedAtLeast(atKill + 300, 'traffic on the two remaining brokers');
    const resumedMs = Date.now() - killedAt;
    await fleet.stop();
    const twice = await compare('kill -9 one broker of three', fleet.acknowledgedIds, `300 more acknowledged ${resumedMs} ms after the kill`);
    expect(twice).toBe(0);
    await victim.start();
  });
});
