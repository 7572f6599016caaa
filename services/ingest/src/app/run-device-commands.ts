import type { Hj212Frame, Hj212FrameInput, Hj212Version } from '@ecogrid/standards';
import { commandDataOf, requestFrame } from '../domain/command-frame';
import {
  answerOverdue,
  dataReceived,
  executionAnswered,
  FINISHED_STATES,
  markSent,
  nextRequestNumber,
  notificationAnswered,
  requestAnswered,
  type DeviceCommand,
  type Transition,
} from '../domain/device-command';
import type { Clock, CommandStore, DeviceKeys } from './ports';

/** A device's connection to this instance, as the HJ 212 listener offers it for sending. */
export interface DeviceLink {
  readonly mn: string;
  readonly version: Hj212Version;
  /** The ST of its frames, which its requests carry (HJ 212-2017 Annex C). */
  systemCode: string;
  /** The password of the device's latest authenticated frame on this connection. */
  password: string;
  /** Writes a frame to the device, after any reply already due on the connection. */
  send(frame: Hj212FrameInput): void;
}

export interface RunDeviceCommandsDeps {
  store: CommandStore;
  clock: Clock;
  /** Told of anything that went wrong on the way (the store away); the command is then left to the sweep. */
  onError(error: unknown, context: { mn: string; step: string }): void;
  /** Told of every frame written to a device, re-sends included (metrics). */
  onSent?(command: DeviceCommand, resend: boolean): void;
  /** Devices' SM4 keys: a 1014's sealed NewSK is opened only here, as its frame is written, and its outcome told. */
  keys?: Pick<DeviceKeys, 'open' | 'rotationSent' | 'rotationConfirmed' | 'rotationAbandoned'>;
}

interface InFlight {
  id: string;
  requestNumber: string;
  commandCode: string;
  timer: NodeJS.Timeout;
}

/**
 * Runs the commands of the devices connected to this instance, one flow per device at a time (HJ 212 has only the QN
 * to tell requests apart): the oldest queued command is claimed in the store and written, and the device's 9011, data
 * and 9012 move it on, matched by QN (history records, which carry QNs of their own, by CN while the request is in
 * flight). Without an answer within OverTime the request is re-sent with the same QN, ReCount times, then it has
 * timed out. Every step is stored (and so published) before the next frame goes out; per device, steps run in order.
 */
export function createRunDeviceCommands(deps: RunDeviceCommandsDeps) {
  const links = new Map<string, DeviceLink>();
  const inFlight = new Map<string, InFlight>();
  const lastRequestNumber = new Map<string, string>();
  const chains = new Map<string, Promise<void>>();
  let stopped = false;

  /** Per device, one step after the other: a 9012 never overtakes the storing of its 9011. */
  const serial = (mn: string, step: string, task: () => Promise<void>): void => {
    const chain = (chains.get(mn) ?? Promise.resolve())
      .then(task)
      .catch((error: unknown) => deps.onError(error, { mn, step }));
    chains.set(mn, chain);
    void chain.then(() => {
      if (chains.get(mn) === chain) chains.delete(mn);
    });
  };

  const write = (command: DeviceCommand, resend: boolean): void => {
    const link = links.get(command.deviceMn);
    // Gone since it was claimed: the wait runs out as if the frame were lost, which it is.
    if (!link) return;
    const frame = requestFrame(command, link, deps.clock.now());
    if (command.commandCode === '1014') {
      const sealed = command.params.NewSK ?? '';
      const key = deps.keys?.open(command.deviceMn, sealed);
      // A key that does not open (KEK gone) is not sent: the command times out, the device keeps its key.
      if (key === undefined) return;
      frame.cp = { params: { ...frame.cp?.params, NewSK: key } };
      deps.keys?.rotationSent(command.deviceMn, sealed);
    }
    link.send(frame);
    deps.onSent?.(command, resend);
  };

  /** A finished 1014: its key is the device's (9012 ExeRtn=1, the confirmation), or it never was. */
  const settled = (command: DeviceCommand): void => {
    if (command.commandCode !== '1014' || !FINISHED_STATES.has(command.state)) return;
    if (command.state === 'succeeded') deps.keys?.rotationConfirmed(command.deviceMn, command.params.NewSK ?? '', command.finishedTime ?? deps.clock.now());
    else deps.keys?.rotationAbandoned(command.deviceMn);
  };

  const arm = (command: DeviceCommand): void => {
    const previous = inFlight.get(command.deviceMn);
    if (previous) clearTimeout(previous.timer);
    const wait = Math.max(0, (command.deadline?.getTime() ?? deps.clock.now().getTime()) - deps.clock.now().getTime());
    const timer = setTimeout(() => overdue(command.deviceMn, command.id), wait);
    timer.unref();
    inFlight.set(command.deviceMn, { id: command.id, requestNumber: command.requestNumber, commandCode: command.commandCode, timer });
  };

  const done = (mn: string): void => {
    const entry = inFlight.get(mn);
    if (entry) clearTimeout(entry.timer);
    inFlight.delete(mn);
    pump(mn);
  };

  const pump = (mn: string): void => {
    if (stopped || inFlight.has(mn) || !links.has(mn)) return;
    serial(mn, 'send', async () => {
      if (stopped || inFlight.has(mn) || !links.has(mn)) return;
      const at = deps.clock.now();
      const requestNumber = nextRequestNumber(at, lastRequestNumber.get(mn));
      const claimed = await deps.store.claimNext(mn, at, (command) => accepted(markSent(command, requestNumber, at)));
      if (!claimed) return;
      lastRequestNumber.set(mn, requestNumber);
      arm(claimed);
      write(claimed, false);
    });
  };

  const overdue = (mn: string, id: string): void => {
    serial(mn, 'timeout', async () => {
      const entry = inFlight.get(mn);
      if (!entry || entry.id !== id) return;
      const outcome = { resend: false };
      const updated = await deps.store.update(id, (command) => {
        const transition = answerOverdue(command, deps.clock.now());
        outcome.resend = transition.ok && transition.resend === true;
        return accepted(transition);
      });
      if (updated && outcome.resend) {
        arm(updated);
        write(updated, true);
        return;
      }
      if (updated) settled(updated);
      done(mn);
    });
  };

  /** An answer of the device to its command in flight: 9011, 9012, 9013, or data. */
  const answer = (frame: Hj212Frame, move: (command: DeviceCommand, at: Date) => Transition, step: string): void => {
    const mn = frame.mn;
    serial(mn, step, async () => {
      const entry = inFlight.get(mn);
      if (!entry) return;
      const byQn = frame.qn !== null && frame.qn === entry.requestNumber;
      // History records (2031, 2051, 3020 logs…) carry new QNs: they belong to the request in flight of their CN.
      if (!byQn && !(step === 'data' && frame.cn === entry.commandCode)) return;
      const updated = await deps.store.update(entry.id, (command) => accepted(move(command, deps.clock.now())));
      if (!updated) return;
      if (updated.commandCode === '1072' && updated.state === 'succeeded') {
        const link = links.get(mn);
        if (link && updated.params.NewPW) link.password = updated.params.NewPW;
      }
      settled(updated);
      if (FINISHED_STATES.has(updated.state)) done(mn);
      else arm(updated);
    });
  };

  return {
    /** A device's first accepted frame on a connection: its queued commands go out now. */
    connected(link: DeviceLink): void {
      links.set(link.mn, link);
      pump(link.mn);
    },
    /** That connection closed. A command in flight is left to its timer: its answers cannot come any more. */
    disconnected(link: DeviceLink): void {
      if (links.get(link.mn) === link) links.delete(link.mn);
    },
    /** A command was queued (here or on another instance): sent if this instance holds the device. */
    queued(mn: string): void {
      pump(mn);
    },
    /**
     * Whether the platform asked for this frame: the answer (9011/9012/9013) to the command in flight to its device,
     * or that command's data (same CN). The device's frame-rate limit does not count these — a back-fill or a burst
     * of commands would otherwise have the device's own answers refused and the command time out.
     */
    solicited(frame: Hj212Frame): boolean {
      const entry = inFlight.get(frame.mn);
      if (!entry) return false;
      return (frame.qn !== null && frame.qn === entry.requestNumber) || frame.cn === entry.commandCode;
    },
    /** A 9011, 9012 or 9013 from a device. */
    reply(frame: Hj212Frame): void {
      if (!inFlight.has(frame.mn)) return;
      if (frame.cn === '9011') answer(frame, (command, at) => requestAnswered(command, Number(frame.cp.params.QnRtn ?? 100), at), 'qnrtn');
      else if (frame.cn === '9012') answer(frame, (command, at) => executionAnswered(command, Number(frame.cp.params.ExeRtn ?? 2), at), 'exertn');
      else if (frame.cn === '9013') answer(frame, (command, at) => notificationAnswered(command, at), 'notification');
    },
    /**
     * Any other accepted frame: kept with the command in flight when it is that command's data. True when it is a
     * record answering a history request in flight (same CN, a QN of its own): pulled, not live (STANDARDS.md §9.4.4).
     */
    data(frame: Hj212Frame): boolean {
      const entry = inFlight.get(frame.mn);
      if (!entry) return false;
      const received = deps.clock.now();
      answer(frame, (command, at) => dataReceived(command, commandDataOf(frame, received), at), 'data');
      return HISTORY_REQUESTS.has(frame.cn) && frame.cn === entry.commandCode && frame.qn !== entry.requestNumber;
    },
    /** Devices connected here. */
    has(mn: string): boolean {
      return links.has(mn);
    },
    /** Stops sending and forgets the timers; what is in flight is left to the sweep of another instance. */
    stop(): void {
      stopped = true;
      for (const entry of inFlight.values()) clearTimeout(entry.timer);
      inFlight.clear();
    },
    /** Waits for the steps already started (shutdown, tests). */
    async idle(): Promise<void> {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
  };
}

/** Requests answered with records of the past, each with a QN of its own (HJ 212-2017 C.48). */
const HISTORY_REQUESTS: ReadonlySet<string> = new Set(['2031', '2041', '2051', '2061']);

const accepted = (transition: Transition): DeviceCommand | null => (transition.ok ? transition.command : null);

export type RunDeviceCommands = ReturnType<typeof createRunDeviceCommands>;
