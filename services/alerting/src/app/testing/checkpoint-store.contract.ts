import { describe, expect, it } from 'vitest';
import { newDeviceState } from '../../domain/device-state';
import type { AlertEvent } from '../../domain/model';
import type { CheckpointStore } from '../ports';

const alert = (sequence: number): AlertEvent => ({
  alertId: 'al_contract',
  sequence,
  state: sequence === 1 ? 'raised' : 'updated',
  kind: 'emission_limit',
  ruleId: 'emission-limit-realtime',
  ruleVersion: '1',
  severity: 'minor',
  baseSeverity: 'minor',
  escalationReasons: [],
  deviceMn: 'CEMS-1',
  enterpriseUscc: '914403001922038216',
  cellId: 'cell-1',
  townshipCode: '140802003',
  factorCode: 'a21026',
  value: 80,
  peakValue: 80,
  limit: 35,
  unit: 'mg/m³',
  valueKind: 'ZsRtd',
  averagingPeriod: 'realtime',
  dataFlag: 'N',
  limitSource: 'permit',
  exceedanceMultiple: 2.29,
  openedAt: Date.parse('2026-11-29T02:00:00Z'),
  changedAt: Date.parse('2026-11-29T02:00:00Z') + sequence * 60_000,
  evidence: [],
  summary: 'SO2 above its permit limit',
  nearbyTargetIds: [],
});

/**
 * What every CheckpointStore does, run against the in-memory one (unit) and PostgreSQL (integration): a partition
 * starts empty, a commit moves its offset and keeps its device states, and every write is fenced on the offset the
 * writer last saw.
 */
export function describeCheckpointStoreContract(name: string, open: () => Promise<CheckpointStore>): void {
  describe(`CheckpointStore contract: ${name}`, () => {
    it('starts a partition with no offset and no devices', async () => {
      const store = await open();
      expect(await store.load(0)).toEqual({ nextOffset: null, states: [] });
    });

    it('keeps the offset and the device states a commit wrote, per partition', async () => {
      const store = await open();
      await store.load(1);
      const device = newDeviceState('CEMS-1');
      expect(await store.commit(1, { expectedOffset: null, nextOffset: '42', states: [device], alerts: [alert(1)], aqi: [] })).toBe(true);
      expect(await store.load(1)).toEqual({ nextOffset: '42', states: [device] });
      expect((await store.load(2)).states).toEqual([]);
    });

    it('refuses a commit or an early publish from a writer whose offset is stale', async () => {
      const store = await open();
      await store.load(3);
      expect(await store.commit(3, { expectedOffset: null, nextOffset: '10', states: [], alerts: [], aqi: [] })).toBe(true);
      // Another member took the partition over and moved it on.
      expect(await store.commit(3, { expectedOffset: '10', nextOffset: '20', states: [], alerts: [], aqi: [] })).toBe(true);
      expect(await store.commit(3, { expectedOffset: '10', nextOffset: '15', states: [newDeviceState('CEMS-9')], alerts: [], aqi: [] })).toBe(false);
      expect(await store.publish(3, { expectedOffset: '10', alerts: [alert(2)], aqi: [] })).toBe(false);
      expect(await store.publish(3, { expectedOffset: '20', alerts: [alert(2)], aqi: [] })).toBe(true);
      expect(await store.load(3)).toEqual({ nextOffset: '20', states: [] });
    });
  });
}
