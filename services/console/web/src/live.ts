/** The live event stream (SSE): one EventSource per page, listeners by event kind. */
type Listener = (data: Record<string, unknown>) => void;

const listeners = new Map<string, Set<Listener>>();
let source: EventSource | undefined;

export function connectLive(): void {
  if (source) return;
  source = new EventSource('/api/events');
  for (const kind of ['alert', 'case', 'aqi', 'device', 'warning', 'obligation', 'incident', 'early_warning']) {
    source.addEventListener(kind, (message) => {
      const data = JSON.parse((message as MessageEvent<string>).data) as Record<string, unknown>;
      for (const listener of listeners.get(kind) ?? []) listener(data);
    });
  }
}

export function disconnectLive(): void {
  source?.close();
  source = undefined;
}

export function onLive(kind: string, listener: Listener): () => void {
  const set = listeners.get(kind) ?? new Set<Listener>();
  set.add(listener);
  listeners.set(kind, set);
  return () => void set.delete(listener);
}
