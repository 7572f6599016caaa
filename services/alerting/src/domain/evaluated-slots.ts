/**
 * Which data times of one (device, command) were evaluated, over a bounded lateness window: one bit per slot (a
 * minute for 2051, an hour for 2061, a China day for 2031) in a ring of 32-bit words. A reading behind the newest
 * evaluated one is a duplicate when its slot's bit is set, late (to be evaluated once) when it is not, and too late
 * when its slot has left the window. Plain data: it is checkpointed with the device state as JSON.
 */
export interface SlotRing {
  /** The newest slot marked: data time + offset, divided by the slot length. */
  newest: number;
  /** Slot `s` is bit `s % (32 × words)`; the slots in (newest − window, newest] are the ones it speaks for. */
  bits: number[];
}

export interface LatenessWindow {
  slotMs: number;
  /** Added to a data time before dividing: daily data is dated at midnight China time (UTC+8). */
  offsetMs: number;
  /** How many slots back a late reading is still evaluated. */
  slots: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Commands whose late readings are evaluated, and how far back. Back-fill after an outage comes as minute (2051)
 * and hour (2061) data, which the platform asks a reconnected device for; 48 hours covers a weekend-long outage
 * found on Monday. Daily data (2031) is kept a month. Real-time data (2011) has no window: see README.
 */
export const LATENESS_WINDOWS: Readonly<Record<string, LatenessWindow>> = Object.freeze({
  '2051': { slotMs: MINUTE, offsetMs: 0, slots: 48 * 60 },
  '2061': { slotMs: HOUR, offsetMs: 0, slots: 48 },
  '2031': { slotMs: DAY, offsetMs: 8 * HOUR, slots: 32 },
});

export const slotOf = (window: LatenessWindow, time: number): number => Math.floor((time + window.offsetMs) / window.slotMs);

/**
 * A ring whose newest slot is that of `newest`. With `allEvaluated` every slot of the window counts as evaluated:
 * a device state checkpointed before rings existed knew only its newest data time, and treating everything before
 * it as already judged never raises an alert twice.
 */
export function newSlotRing(window: LatenessWindow, newest: number, allEvaluated: boolean): SlotRing {
  const bits = new Array<number>(Math.ceil(window.slots / 32)).fill(allEvaluated ? -1 : 0);
  return { newest: slotOf(window, newest), bits };
}

/**
 * Marks an in-order reading's slot (at or after the newest), clearing the slots the ring moves past. Mutates the
 * ring's words in place: nothing is allocated.
 */
export function markInOrder(ring: SlotRing, window: LatenessWindow, time: number): void {
  const slot = slotOf(window, time);
  const bits = ring.bits;
  const size = bits.length * 32;
  if (slot > ring.newest) {
    if (slot - ring.newest >= size) bits.fill(0);
    else
      for (let passed = ring.newest + 1; passed < slot; passed += 1) {
        const index = passed % size;
        bits[index >>> 5] = (bits[index >>> 5] as number) & ~(1 << (index & 31));
      }
    ring.newest = slot;
  }
  const index = slot % size;
  bits[index >>> 5] = (bits[index >>> 5] as number) | (1 << (index & 31));
}

export type BehindOutcome = 'duplicate' | 'late' | 'too_late';

/** Judges a reading at or before the newest marked one, and marks it when it is late. */
export function markBehind(ring: SlotRing, window: LatenessWindow, time: number): BehindOutcome {
  const slot = slotOf(window, time);
  if (slot <= ring.newest - window.slots) return 'too_late';
  if (slot > ring.newest) {
    // Only when the ring is older than the newest data time it was built for; treat as in order.
    markInOrder(ring, window, time);
    return 'late';
  }
  const bits = ring.bits;
  const index = slot % (bits.length * 32);
  const word = bits[index >>> 5] as number;
  const bit = 1 << (index & 31);
  if ((word & bit) !== 0) return 'duplicate';
  bits[index >>> 5] = word | bit;
  return 'late';
}
