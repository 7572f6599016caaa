import type { StaffUser } from '../domain/staff-user';
import { mayReceive, type LiveEvent } from '../domain/live-event';
import type { LiveEventSource } from './ports';

/** Follows the live events `user` may see until the returned function is called. */
export function createFollowLiveEvents(source: LiveEventSource) {
  return function followLiveEvents(user: StaffUser, deliver: (event: LiveEvent) => void): () => void {
    return source.onEvent((event) => {
      if (mayReceive(user, event)) deliver(event);
    });
  };
}
