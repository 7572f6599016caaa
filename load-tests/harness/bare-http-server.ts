/**
 * The baseline for HTTP ingest: a bare node:http server that reads the body and answers 202, nothing else.
 * Whatever the real service costs beyond this is validation, encoding, Kafka and bookkeeping.
 */
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 0);
const server = createServer((request, response) => {
  if (request.url === '/readyz') {
    response.writeHead(200).end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    response.writeHead(202, { 'content-type': 'application/json' });
    response.end(`{"accepted":true,"bytes":${body.length}}`);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
