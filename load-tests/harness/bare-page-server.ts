/**
 * The floor under the sharing pull: bare express 5 answering `GET /v1/datasets/:id/records` with a fixed page
 * (`PAGE_BODY`, a real page the service served) — no key, no grant, no quota, no PostgreSQL, no Redis. Beside the
 * service in the same run, under the same generator, it shows what this machine's two cores allow any express
 * endpoint at the offered rate, so a latency target can be judged against it.
 */
import { createServer } from 'node:http';
import express from 'express';

const body = process.env.PAGE_BODY ?? '{}';
const port = Number(process.env.PORT ?? 0);
const server = createServer(
  express()
    .disable('x-powered-by')
    .disable('etag')
    .get('/readyz', (_request, response) => {
      response.status(200).end('ok');
    })
    .get('/v1/datasets/:dataset/records', (_request, response) => {
      response.status(200).type('application/json').send(body);
    }),
);
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
