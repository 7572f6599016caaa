import type { Pool, PoolClient } from 'pg';

/** Runs `work` in a transaction on one pooled connection, rolling back on any error. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection lost between queries makes pg emit 'error' on a checked-out client (fatal without a
  // listener); the next query rejects anyway, so the error surfaces there.
  const ignore = (): void => undefined;
  client.on('error', ignore);
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken = !(await client.query('ROLLBACK').then(
      () => true,
      () => false,
    ));
    throw error;
  } finally {
    client.removeListener('error', ignore);
    // A connection that cannot even roll back is broken: it must not go back to the pool.
    client.release(broken);
  }
}
