import { Client } from 'pg';
import type { Platform } from './platform';

/**
 * Alters one row of an incident's timeline in the emergency service's PostgreSQL schema, as someone with database
 * access might, so a test can show the chain check naming the row.
 */
export async function tamperIncidentTimeline(platform: Platform, incidentId: string, sequence: number): Promise<void> {
  if (!platform.schemas.emergency) throw new Error('the platform was started without emergency');
  const db = new Client({ connectionString: platform.schemas.emergency.url });
  await db.connect();
  try {
    const changed = await db.query(`UPDATE incident_timeline SET details = '{"tampered": true}' WHERE incident_id = $1 AND sequence = $2`, [incidentId, sequence]);
    if (changed.rowCount !== 1) throw new Error(`no timeline row ${sequence} of ${incidentId}`);
  } finally {
    await db.end();
  }
}
