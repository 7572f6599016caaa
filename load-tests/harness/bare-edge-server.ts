/**
 * The device edge reduced to what any HTTP framework must do for it — read the body, JSON.parse it, answer 202 — on
 * bare node:http (`EDGE_FRAMEWORK=node`) or bare express 5 (`EDGE_FRAMEWORK=express`), with the same handler code.
 * Side by side in one run, the difference is express's own cost per request, with nothing of ingest around it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import express from 'express';

function acceptObservation(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    let measurements = 0;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { measurements?: unknown[] };
      measurements = body.measurements?.length ?? 0;
    } catch {
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":"invalid_json"}}');
      return;
    }
    response.writeHead(202, { 'content-type': 'application/json' });
    response.end(`{"accepted":true,"measurements":${measurements}}`);
  });
}

const port = Number(process.env.PORT ?? 0);
const framework = process.env.EDGE_FRAMEWORK ?? 'node';

const server =
  framework === 'express'
    ? createServer(
        express()
          .disable('x-powered-by')
          .disable('etag')
          .get('/readyz', (_request, response) => {
            response.status(200).end('ok');
          })
          .post('/v1/observations', acceptObservation),
      )
    : createServer((request, response) => {
        if (request.method === 'GET' && request.url === '/readyz') {
          response.writeHead(200).end('ok');
          return;
        }
        if (request.method === 'POST' && request.url === '/v1/observations') {
          acceptObservation(request, response);
          return;
        }
        response.writeHead(404).end();
      });
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
