/** The port through which use cases read the time: tests pass a fixed or stepped clock, `main.ts` the system's. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
