/**
 * Schema and channel names are spliced into SQL text (they cannot be bind parameters), so they are held to
 * plain lower-case identifiers and always quoted.
 */
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function isPlainIdentifier(name: string): boolean {
  return PLAIN_IDENTIFIER.test(name);
}

/** `"name"` for SQL text; throws for anything but a plain lower-case identifier. */
export function quoteIdent(name: string): string {
  if (!isPlainIdentifier(name)) throw new Error(`unsafe SQL identifier: ${JSON.stringify(name)} (expected a plain lower-case identifier)`);
  return `"${name}"`;
}
