import { invalidArgument } from '@ecogrid/domain-errors';

/**
 * Pull cursors are opaque to partners: the last record's sequence, base64url. Only the order matters to them, and
 * an opaque token leaves room to change what it holds.
 */
export function encodeCursor(seq: number): string {
  return Buffer.from(`s:${seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const match = /^s:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw invalidArgument('cursor', 'not a cursor this API gave out', 'bad_cursor');
  return Number(match[1]);
}
