/**
 * Handler failures say whether trying again can help. A retriable failure (a database briefly away,
 * a timeout) is retried with backoff; anything else goes straight to the dead-letter topic.
 */
export class RetriableError extends Error {
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetriableError';
  }
}

/**
 * What the handler needs is away (its database unreachable): no record can be processed until it is back, so the
 * consumer holds the partition (retrying with backoff, for as long as it takes, still heartbeating) instead of
 * spending a bounded number of attempts and dead-lettering records that are perfectly good.
 */
export class DependencyUnavailableError extends RetriableError {
  readonly holdsPartition = true;
  constructor(
    readonly dependency: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}

export function holdsPartition(error: unknown): error is DependencyUnavailableError {
  return typeof error === 'object' && error !== null && (error as { holdsPartition?: unknown }).holdsPartition === true;
}

/** A record that can never be processed (bad payload, broken invariant): dead-lettered at once. */
export class PoisonRecordError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PoisonRecordError';
  }
}

const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', '57P01', '40001', '40P01']);

export function isRetriable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { retriable?: unknown; code?: unknown; name?: unknown };
  if (typeof candidate.retriable === 'boolean') return candidate.retriable;
  if (typeof candidate.code === 'string' && TRANSIENT_NODE_CODES.has(candidate.code)) return true;
  return false;
}

export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string') return name;
  }
  return 'unknown_error';
}
