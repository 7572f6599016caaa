import type { Pool } from 'pg';
import type { BoundingBox, Page, PageRequest } from '../../app/ports';

function decodeToken(token: string): string | undefined {
  if (!token) return undefined;
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

const encodeToken = (key: string): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** A WHERE clause built up from optional filters. */
export class Where {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** A condition without parameters, added when `enabled`. */
  add(condition: string, enabled = true): this {
    if (enabled) this.conditions.push(condition);
    return this;
  }

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  bbox(column: string, bbox: BoundingBox | undefined): this {
    if (bbox && (bbox.minLon !== 0 || bbox.maxLon !== 0 || bbox.minLat !== 0 || bbox.maxLat !== 0)) {
      this.conditions.push(`${column} && ST_MakeEnvelope(${this.param(bbox.minLon)}, ${this.param(bbox.minLat)}, ${this.param(bbox.maxLon)}, ${this.param(bbox.maxLat)}, 4326)`);
    }
    return this;
  }

  when(value: unknown, condition: (param: string) => string): this {
    if (value !== undefined && value !== '' && value !== 0 && value !== false && !(Array.isArray(value) && value.length === 0)) {
      this.conditions.push(condition(this.param(value)));
    }
    return this;
  }

  sql(): string {
    return this.conditions.length === 0 ? '' : `WHERE ${this.conditions.join(' AND ')}`;
  }
}

/** One page of `table` in `key` order; the token is the last key of the page. */
export async function page<T>(
  client: Pool,
  table: string,
  key: string,
  where: Where,
  request: PageRequest,
  select: string,
  map: (row: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const size = Math.min(Math.max(request.pageSize || 100, 1), 1_000);
  const after = decodeToken(request.pageToken);
  if (after !== undefined) where.when(after, (param) => `${key} > ${param}`);
  const limit = where.param(size + 1);
  const rows = (await client.query(`SELECT ${select} FROM ${table} ${where.sql()} ORDER BY ${key} LIMIT ${limit}`, where.params)).rows as Array<Record<string, unknown>>;
  const items = rows.slice(0, size);
  const last = items[items.length - 1];
  return { items: items.map(map), nextPageToken: rows.length > size && last ? encodeToken(String(last[key.replace(/^.*\./, '')])) : '' };
}
