import type { RecordSignal } from '../../app/ports';

/**
 * Wakes this process's push subscribers when its feed consumer stored records. Subscribers of other instances find
 * the records at their next look (a bounded idle poll), so one signal per process is enough.
 */
export function createInProcessSignal(): RecordSignal {
  let waiters: Array<() => void> = [];
  let version = 0;
  return {
    version: () => version,
    notify: () => {
      version += 1;
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    },
    next: (timeoutMs, abort, seen) =>
      new Promise<void>((resolve) => {
        if (abort.aborted || (seen !== undefined && seen !== version)) return resolve();
        const done = (): void => {
          clearTimeout(timer);
          abort.removeEventListener('abort', done);
          waiters = waiters.filter((waiter) => waiter !== done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        abort.addEventListener('abort', done);
        waiters.push(done);
      }),
  };
}
