/** A minimal Server-Sent Events reader over fetch, for tests: events as they arrive, and a way to drop the line. */
export interface SseEvent {
  id: string;
  event: string;
  data: string;
}

export interface SseConnection {
  status: number;
  /** Resolves once `count` events arrived in all (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  readonly events: SseEvent[];
  /** Drops the connection as a network failure would. */
  disconnect(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseConnection> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  if (response.ok && response.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event: SseEvent = { id: '', event: 'message', data: '' };
            let isEvent = false;
            for (const line of block.split('\n')) {
              const [name, ...rest] = line.split(':');
              const value = rest.join(':').replace(/^ /, '');
              if (name === 'id') event.id = value;
              else if (name === 'event') event.event = value;
              else if (name === 'data') {
                event.data += value;
                isEvent = true;
              }
            }
            if (isEvent) events.push(event);
          }
          for (const wake of waiters.splice(0)) wake();
        }
      } catch {
        // The test dropped the line.
      }
    })();
  }
  return {
    status: response.status,
    events,
    disconnect: () => abort.abort(),
    waitFor: async (count, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`${events.length} of ${count} events after ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return events.slice(0, count);
    },
  };
}
