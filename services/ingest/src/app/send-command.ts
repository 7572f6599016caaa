import { DomainError, failedPrecondition, invalidArgument, notFound } from '@ecogrid/domain-errors';
import { checkCommand } from '../domain/command-catalogue';
import { newCommand, type CommandOrigin, type DeviceCommand } from '../domain/device-command';
import { nextRequestNumber } from '../domain/device-command';
import type { Clock, CommandStore, DeviceDirectory, DeviceKeys } from './ports';

export interface SendCommandInput {
  /** The command's id when the caller must know it before the command is stored (a back-fill records it first). */
  id?: string;
  deviceMn: string;
  commandCode: string;
  params: Record<string, string>;
  /** 1–99 s; the default when absent or 0. */
  overTimeSeconds?: number;
  /** 0–99 re-sends; the default when absent. */
  reCount?: number;
  origin: CommandOrigin;
  requestedBy: string;
  note?: string;
}

export interface CommandDefaults {
  overTimeSeconds: number;
  reCount: number;
  /** Queued commands one device may have; more are refused (RESOURCE_EXHAUSTED). */
  maxQueued: number;
  /** How long a command waits for its device to connect before it expires. */
  maxQueueMs: number;
}

export interface SendCommandDeps {
  store: CommandStore;
  devices: DeviceDirectory;
  clock: Clock;
  newId(): string;
  /** The command runner of this instance: it sends at once when the device is connected here. */
  runner: { queued(mn: string): void };
  defaults: CommandDefaults;
  /** Devices' SM4 keys: a 1014 needs them (without, it is refused). */
  keys?: Pick<DeviceKeys, 'outgoing' | 'seal'>;
}

/**
 * Checks a command against what the platform may send (HJ 212-2017 table 9) and stores it queued; the store
 * publishes it, so whichever instance holds the device's connection sends it. A device may have only so many
 * commands waiting, and each waits only so long: one that stays offline does not gather an unbounded queue.
 */
export function createSendCommand(deps: SendCommandDeps) {
  /**
   * A 1014 hands the device a new SM4 key inside a frame encrypted with its current one: a device without a key
   * gets its first through the registry, never over the link in clear. The key is sealed (wrapped with the KEK)
   * before the command is stored, so it is never stored nor published in clear; it is opened only to be written.
   */
  const newKeyParams = (mn: string, params: Record<string, string>): Record<string, string> => {
    if (!deps.keys) throw failedPrecondition('未配置密钥加密密钥，无法轮换密钥 / no key-encryption key configured: keys cannot be rotated', 'kek_not_configured');
    if (!deps.keys.outgoing(mn)) throw failedPrecondition(`设备 ${mn} 尚无 SM4 密钥：首个密钥经登记（sm4_key）设置 / device has no SM4 key yet: give its first through the registry`, 'no_current_key');
    return { SKCreateTime: params.SKCreateTime ?? nextRequestNumber(deps.clock.now(), undefined), NewSK: deps.keys.seal(mn, params.NewSK) };
  };

  return async function sendCommand(input: SendCommandInput): Promise<DeviceCommand> {
    const mn = input.deviceMn.trim();
    if (!mn) throw invalidArgument('device_mn', 'device_mn is required', 'missing_field');
    if (!deps.devices.profile(mn)) throw notFound('device', mn);
    const checked = checkCommand(input.commandCode.trim(), input.params);
    if (!checked.ok) throw invalidArgument(checked.problem.field, checked.problem.message, checked.problem.reason);
    if (input.commandCode.trim() === '1014') checked.params = newKeyParams(mn, checked.params);
    const overTimeSeconds = input.overTimeSeconds || deps.defaults.overTimeSeconds;
    if (!Number.isInteger(overTimeSeconds) || overTimeSeconds < 1 || overTimeSeconds > 99) throw invalidArgument('over_time_seconds', 'over_time_seconds must be between 1 and 99 (HJ 212-2017 table 4, OverTime)');
    const reCount = input.reCount ?? deps.defaults.reCount;
    if (!Number.isInteger(reCount) || reCount < 0 || reCount > 99) throw invalidArgument('re_count', 're_count must be between 0 and 99 (HJ 212-2017 table 4, ReCount)');
    const command = newCommand(
      {
        id: input.id ?? deps.newId(),
        deviceMn: mn,
        commandCode: input.commandCode.trim(),
        kind: checked.kind,
        params: checked.params,
        origin: input.origin,
        requestedBy: input.requestedBy,
        overTimeSeconds,
        reCount,
        maxQueueMs: deps.defaults.maxQueueMs,
        ...(input.note ? { note: input.note } : {}),
      },
      deps.clock.now(),
    );
    if (!(await deps.store.add(command, deps.defaults.maxQueued))) {
      throw new DomainError('RESOURCE_EXHAUSTED', `设备 ${mn} 已有 ${deps.defaults.maxQueued} 条命令等待发送`, { reason: 'command_queue_full' });
    }
    deps.runner.queued(mn);
    return command;
  };
}

export type SendCommand = ReturnType<typeof createSendCommand>;
