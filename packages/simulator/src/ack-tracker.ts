/** A frame that asked for a 9014 and has not had one. */
export interface PendingAck {
  qn: string;
  /** Bytes to write when it is sent again. */
  resendBytes: () => Uint8Array;
  firstSentMs: number;
  lastSentMs: number;
  /** Sends so far, the first included. */
  attempts: number;
  deadlineMs: number;
}

export interface AckTrackerOptions {
  /** How long to wait for the 9014 (HJ 212-2017 table 1: 10 s over GPRS/4G, 5 s over ADSL). */
  timeoutMs: number;
  /** Re-sends after the first send before giving up (HJ 212-2017 table 1 default: 3). */
  maxRetries: number;
}

export interface ExpiredAcks {
  /** Timed out with re-sends left: send again now (their deadline and attempts are already advanced). */
  resend: PendingAck[];
  /** Timed out on the last attempt: dropped. */
  giveUp: PendingAck[];
}

/**
 * The device's side of HJ 212 §6.1 / table 1: a frame sent with A = 1 waits `timeoutMs` for its 9014
 * (matched by QN); without it the same frame is sent again, up to `maxRetries` times. Pure: the caller
 * supplies the time, so tests drive it with a fake clock.
 */
export class AckTracker {
  private readonly pending = new Map<string, PendingAck>();

  constructor(private readonly options: AckTrackerOptions) {}

  get size(): number {
    return this.pending.size;
  }

  sent(qn: string, resendBytes: () => Uint8Array, nowMs: number): void {
    this.pending.set(qn, { qn, resendBytes, firstSentMs: nowMs, lastSentMs: nowMs, attempts: 1, deadlineMs: nowMs + this.options.timeoutMs });
  }

  /** A 9014 arrived: the pending frame it answers, or undefined for an unknown or already answered QN. */
  acknowledge(qn: string): PendingAck | undefined {
    const entry = this.pending.get(qn);
    if (entry) this.pending.delete(qn);
    return entry;
  }

  expire(nowMs: number): ExpiredAcks {
    const resend: PendingAck[] = [];
    const giveUp: PendingAck[] = [];
    for (const entry of this.pending.values()) {
      if (entry.deadlineMs > nowMs) continue;
      if (entry.attempts > this.options.maxRetries) {
        giveUp.push(entry);
        this.pending.delete(entry.qn);
      } else {
        entry.attempts += 1;
        entry.lastSentMs = nowMs;
        entry.deadlineMs = nowMs + this.options.timeoutMs;
        resend.push(entry);
      }
    }
    return { resend, giveUp };
  }

  /** Moves every deadline by `ms`: a device that was switched off does not count the time it was off. */
  postpone(ms: number): void {
    for (const entry of this.pending.values()) entry.deadlineMs += ms;
  }
}
