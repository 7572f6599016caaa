import type { Request, Response } from 'express';
import { metrics } from '@opentelemetry/api';
import type { ConsoleApp, Session } from '../../app';

const meter = metrics.getMeter('@ecogrid/console');
const openStreams = meter.createUpDownCounter('console_sse_streams', { description: 'Open Server-Sent Event streams' });
const delivered = meter.createCounter('console_sse_delivered_total', { description: 'Live events written to browsers, by kind' });

/**
 * `GET /api/events`: the live events this session's user may see, as Server-Sent Events (`event: <kind>`, `data:`
 * one line of JSON). A comment every heartbeat keeps proxies from cutting an idle stream and notices a session that
 * ended (logout, expiry), closing its stream.
 */
export function streamLiveEvents(app: ConsoleApp, options: { heartbeatMs: number }) {
  return (request: Request, response: Response, session: Session): void => {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write('retry: 3000\n\n');
    openStreams.add(1);
    const stop = app.followLiveEvents(session.user, (event) => {
      delivered.add(1, { kind: event.kind });
      response.write(`event: ${event.kind}\ndata: ${JSON.stringify(event.data)}\n\n`);
    });
    let closed = false;
    // A session ended (logged out on any instance) or expired closes its stream at the next heartbeat; a store that
    // cannot answer (Redis away) keeps the stream open: the next heartbeat asks again.
    const heartbeat = setInterval(() => {
      app.sessionOf(session.id).then(
        (live) => {
          if (closed) return;
          if (!live) response.end();
          else response.write(': ping\n\n');
        },
        () => {
          if (!closed) response.write(': ping\n\n');
        },
      );
    }, options.heartbeatMs);
    heartbeat.unref();
    const close = (): void => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      stop();
      openStreams.add(-1);
    };
    request.on('close', close);
    response.on('close', close);
  };
}
