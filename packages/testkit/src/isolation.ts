import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A short random token that makes names unique to one test. */
export function uniqueToken(): string {
  return randomBytes(4).toString('hex');
}

/** Topic prefix for one test, so tests never read each other's records: `t.<name>.<token>.`. */
export function uniqueTopicPrefix(name: string): string {
  return `t.${name.replace(/[^a-zA-Z0-9-]/g, '-')}.${uniqueToken()}.`;
}

/** Redis key prefix for one test. */
export function uniqueRedisPrefix(name: string): string {
  return `t:${name}:${uniqueToken()}:`;
}

export interface TestSchema {
  name: string;
  /** DATABASE_URL with `options=-c search_path=<schema>,public` so unqualified names land in the schema. */
  url: string;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL schema for one test file; `drop()` removes it with everything in it. */
export async function createTestSchema(databaseUrl: string, name: string): Promise<TestSchema> {
  const schema = `t_${name.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${uniqueToken()}`;
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await client.end();
  }
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  return {
    name: schema,
    url: url.toString(),
    drop: async () => {
      const dropper = new Client({ connectionString: databaseUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await dropper.end();
      }
    },
  };
}
