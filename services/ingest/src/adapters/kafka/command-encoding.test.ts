import { describe, expect, it } from 'vitest';
import { DeviceCommandChanged } from '@ecogrid/proto/ingest/v1/events';
import { newCommand } from '../../domain/device-command';
import { encodeCommandChanged, queuedDeviceOf, toProtoCommand } from './command-encoding';

const command = newCommand(
  { id: '00000000-0000-4000-8000-000000000001', deviceMn: 'MN1', commandCode: '1072', kind: 'request', params: { NewPW: 'abc123' }, origin: 'operator', requestedBy: 'op-1', overTimeSeconds: 10, reCount: 3, maxQueueMs: 60_000 },
  new Date('2026-12-06T08:00:00Z'),
);

describe('command encoding', () => {
  it('never lets a new device password leave ingest', () => {
    expect(toProtoCommand(command).params).toEqual({ NewPW: '***' });
    expect(Buffer.from(encodeCommandChanged(command)).toString('latin1')).not.toContain('abc123');
  });

  it('tells instances which device a queued command is for, and nothing for other changes', () => {
    expect(queuedDeviceOf(Buffer.from(encodeCommandChanged(command)))).toBe('MN1');
    const sent = DeviceCommandChanged.encode({ command: { ...toProtoCommand(command), state: 2 } }).finish();
    expect(queuedDeviceOf(Buffer.from(sent))).toBeUndefined();
  });
});
