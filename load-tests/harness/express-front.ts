/**
 * Preloaded into a service process by the foundation bench (`node --require tsx/cjs --require <this file>`): every
 * node:http server the process creates answers through an express 5 app that routes `POST /v1/observations` — and
 * anything else — to the service's own request listener. The bench then measures the real service, with its real
 * handler, Kafka and Redis, behind express 5's router and request/response set-up: what ingest on express would
 * cost, with nothing else changed. Only the bench loads it; no service ships it.
 */
import http from 'node:http';
import express from 'express';

type RequestListener = (request: http.IncomingMessage, response: http.ServerResponse) => void;

const createServer = http.createServer.bind(http);

function createServerBehindExpress(...args: unknown[]): http.Server {
  const listener = args.find((arg): arg is RequestListener => typeof arg === 'function');
  const options = args.find((arg): arg is http.ServerOptions => typeof arg === 'object' && arg !== null);
  if (!listener) return options ? createServer(options) : createServer();
  const app = express().disable('x-powered-by').disable('etag');
  app.post('/v1/observations', (request, response) => listener(request, response));
  app.use((request, response) => listener(request, response));
  return options ? createServer(options, app) : createServer(app);
}

(http as { createServer: unknown }).createServer = createServerBehindExpress;
