import { describe, expect, it } from 'vitest';
import { createStoreObservations } from './store-observations';
import { createSubmitObservations } from './submit-observations';
import { countingCounters, createInMemoryObservationMemory, deviceProfile, fakeAuthentication, fakeDevices, fakeRejections, fakeSink, fakeThrottle } from './testing/fakes';

function harness(options: { failStore?: boolean; deviceAdmits?: number } = {}) {
  const sink = fakeSink({ fail: options.failStore ?? false });
  const rejections = fakeRejections();
  const counters = countingCounters();
  const devices = fakeDevices([deviceProfile({ mn: 'MN1' }), deviceProfile({ mn: 'MN3' }), deviceProfile({ mn: 'OFF1', enabled: false })]);
  const store = createStoreObservations({ sink, memory: createInMemoryObservationMemory(), counters });
  const { authenticate, throttle, credentials } = fakeAuthentication(devices, fakeThrottle({ ...(options.deviceAdmits === undefined ? {} : { deviceAdmits: options.deviceAdmits }) }));
  const submit = createSubmitObservations({ devices, authenticate, throttle, store, rejections, clock: { now: () => new Date('2026-11-29T08:00:00Z') } });
  return { submit, sink, rejections, counters, credentials };
}

const good = (mn: string, minute = '00') => ({ deviceMn: mn, dataTime: `2026-11-29T07:${minute}:00Z`, measurements: [{ factorCode: 'a21026', value: 1 }] });
const gateway = { kind: 'gateway', gateway: 'test' } as const;

describe('submitObservations', () => {
  it('stores the valid items enriched from the registry and publishes the invalid ones with their raw input', async () => {
    const { submit, sink, rejections } = harness();
    const results = await submit([good('MN1'), { deviceMn: 'MN2', measurements: [] }, good('MN3')], { source: 'http', submitter: gateway, path: 'observations', remoteAddress: '127.0.0.1' });
    expect(results.map((result) => result.accepted)).toEqual([true, false, true]);
    expect(results[1]?.problem).toMatchObject({ reason: 'missing_field', field: 'observations[1].dataTime' });
    expect(sink.stored.map((observation) => observation.deviceMn)).toEqual(['MN1', 'MN3']);
    expect(sink.stored[0]).toMatchObject({ enterpriseUscc: '91140800MA0K000001', cellId: 'YH-C0001', townshipCode: '140802001' });
    expect(sink.stored[0]?.measurements[0]?.unit).toBe('mg/m3');
    expect(rejections.rejected).toHaveLength(1);
    expect(rejections.rejected[0]).toMatchObject({ reasonCode: 'missing_field', deviceMn: 'MN2', source: 'http', remoteAddress: '127.0.0.1' });
    expect(JSON.parse(rejections.rejected[0]?.raw.toString() ?? '')).toEqual({ deviceMn: 'MN2', measurements: [] });
  });

  it('refuses devices the registry does not know or has disabled, and a wrong device password', async () => {
    const { submit, sink, rejections } = harness();
    const results = await submit([good('NOPE'), good('OFF1')], { source: 'http', submitter: gateway });
    expect(results.map((result) => result.problem?.reason)).toEqual(['unknown_device', 'device_disabled']);
    // A device's caller is told the same whether the MN exists or the password is wrong; the topic keeps which.
    const wrong = await submit([good('MN1')], { source: 'http', submitter: { kind: 'device', password: 'guess' } });
    const unknown = await submit([good('NOPE')], { source: 'http', submitter: { kind: 'device', password: 'guess' } });
    expect([wrong[0]?.problem, unknown[0]?.problem]).toEqual([
      { reason: 'authentication_failed', field: 'deviceMn', message: 'the device MN and password were not accepted' },
      { reason: 'authentication_failed', field: 'deviceMn', message: 'the device MN and password were not accepted' },
    ]);
    expect(rejections.rejected.slice(2).map((rejection) => rejection.reasonCode)).toEqual(['wrong_password', 'unknown_device']);
    const right = await submit([good('MN1')], { source: 'http', submitter: { kind: 'device', password: 'secret' } });
    expect(right[0]?.accepted).toBe(true);
    expect(sink.stored).toHaveLength(1);
  });

  it('answers a re-sent observation as stored without publishing it again', async () => {
    const { submit, sink, counters } = harness();
    await submit([good('MN1')], { source: 'http', submitter: gateway });
    const again = await submit([good('MN1'), good('MN1', '01')], { source: 'http', submitter: gateway });
    expect(again.map((result) => [result.accepted, result.duplicate])).toEqual([
      [true, true],
      [true, false],
    ]);
    expect(sink.stored).toHaveLength(2);
    expect(counters.duplicates).toBe(1);
  });

  it('stores an observation repeated inside one batch once', async () => {
    const { submit, sink } = harness();
    const results = await submit([good('MN1'), good('MN1')], { source: 'grpc', submitter: gateway });
    expect(results.map((result) => result.duplicate)).toEqual([false, true]);
    expect(sink.stored).toHaveLength(1);
  });

  it('fails the whole call when the store fails, so nothing is acknowledged that was not stored', async () => {
    const { submit } = harness({ failStore: true });
    await expect(submit([good('MN1')], { source: 'http', submitter: gateway })).rejects.toThrow('broker unavailable');
  });

  it('checks a device password once per request however many items name its MN, and not again while it is remembered', async () => {
    const { submit, credentials } = harness();
    const device = { kind: 'device', password: 'secret' } as const;
    await submit([good('MN1', '01'), good('MN1', '02'), good('MN1', '03')], { source: 'http', submitter: device, remoteAddress: '10.0.0.1' });
    await submit([good('MN1', '04')], { source: 'http', submitter: device, remoteAddress: '10.0.0.1' });
    expect(credentials.checks).toBe(1);
  });

  it('applies a device rate limit to device submissions after authentication, never to a gateway', async () => {
    const { submit } = harness({ deviceAdmits: 2 });
    const device = { kind: 'device', password: 'secret' } as const;
    const results = await submit([good('MN1', '01'), good('MN1', '02'), good('MN1', '03')], { source: 'http', submitter: device });
    expect(results.map((result) => result.problem?.reason ?? 'accepted')).toEqual(['accepted', 'accepted', 'rate_limited']);
    const byGateway = await submit([good('MN1', '04'), good('MN1', '05'), good('MN1', '06')], { source: 'http', submitter: gateway });
    expect(byGateway.every((result) => result.accepted)).toBe(true);
  });
});
