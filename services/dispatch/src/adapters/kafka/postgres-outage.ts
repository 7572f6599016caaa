/** SQLSTATE classes and socket errors that mean the server is unreachable, not that the statement failed. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03']);

/**
 * Whether a handler's failure is PostgreSQL being away rather than the record being bad: the consumers then hold the
 * partition (nothing is dead-lettered for an outage) instead of retrying a few times and giving the record up.
 */
export function looksLikeConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message);
}
