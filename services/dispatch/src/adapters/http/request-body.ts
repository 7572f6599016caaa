import type { Request, Response } from 'express';
import { RequestError } from '@ecogrid/domain-errors';

/** JSON bodies of the staff API: a case, an action, an evidence link. */
export const JSON_BODY_LIMIT = 1024 * 1024;

/**
 * Reads a request's body, at most `limit` bytes. A body declared or found larger is refused with 413 `body_too_large`
 * at once: the rest is never read (the answer closes the connection), so an oversized upload costs neither memory nor
 * the time to receive it. Body-parser, by contrast, reads an oversized request to its end before answering.
 */
export function readBody(request: Request, response: Response, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const refuseTooLarge = (): void => {
      response.setHeader('connection', 'close');
      reject(new RequestError(413, 'body_too_large', `the body exceeds ${limit} bytes`));
    };
    const declared = request.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      refuseTooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    function onData(chunk: Buffer): void {
      size += chunk.length;
      if (size > limit) {
        stop();
        request.pause();
        refuseTooLarge();
        return;
      }
      chunks.push(chunk);
    }
    function onEnd(): void {
      stop();
      resolve(Buffer.concat(chunks, size));
    }
    function onError(error: Error): void {
      stop();
      reject(new RequestError(400, 'request_aborted', 'the request body was not received whole', { cause: error }));
    }
    function onClose(): void {
      if (request.complete) return;
      stop();
      reject(new RequestError(400, 'request_aborted', 'the request body was not received whole'));
    }
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

/** A JSON object body (an empty body is `{}`); anything else is refused with `invalid_json`. */
export async function readJsonObject(request: Request, response: Response, limit = JSON_BODY_LIMIT): Promise<Record<string, unknown>> {
  const raw = await readBody(request, response, limit);
  if (raw.length === 0) return {};
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new RequestError(400, 'invalid_json', 'the body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RequestError(400, 'invalid_json', 'the body must be a JSON object');
  // JSON may spell U+0000 (\u0000), which PostgreSQL text cannot hold: refuse it here, by name.
  if (raw.includes(0) || /\\u0000/i.test(raw.toString('utf8'))) throw new RequestError(400, 'invalid_characters', 'the request contains a NUL character (U+0000), which no field accepts');
  return body as Record<string, unknown>;
}
