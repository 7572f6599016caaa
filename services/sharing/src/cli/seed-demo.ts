/**
 * `node dist/cli/seed-demo.js` (run by `pnpm start` once sharing is ready): registers the Yanhu demo partners and
 * their grants through sharing's own API — as an administrator, approving conditional grants as a data steward — and
 * prints a working key and a curl line for each. Run again, it issues each partner a fresh key (keys are stored
 * hashed, so an earlier one cannot be shown again) and leaves existing grants alone.
 */
import { allowsPublishedSecrets, createTokenMinter, DEV_STAFF_TOKEN_SECRET } from '@ecogrid/staff-auth';
import { YANHU_PARTNERS } from '../demo/yanhu-partners';

const baseUrl = process.env.SHARING_URL ?? 'http://127.0.0.1:8085';

async function api(path: string, token: string, method: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function main(): Promise<number> {
  const secret = process.env.STAFF_TOKEN_SECRET ?? (allowsPublishedSecrets(process.env.NODE_ENV) ? DEV_STAFF_TOKEN_SECRET : undefined);
  if (!secret) {
    process.stderr.write('set STAFF_TOKEN_SECRET, or NODE_ENV=development for the demo\n');
    return 1;
  }
  const minter = createTokenMinter({ secret });
  const admin = await minter.mint({ sub: 'demo-seed', role: 'admin' }, 600);
  const steward = await minter.mint({ sub: 'demo-steward', role: 'data_steward' }, 600);
  const expires = new Date(Date.now() + 365 * 86_400_000).toISOString();
  for (const partner of YANHU_PARTNERS) {
    let issued = await api('/v1/admin/partners', admin, 'POST', { id: partner.id, name: partner.name });
    if (issued.status === 409) issued = await api(`/v1/admin/partners/${partner.id}/keys`, admin, 'POST');
    if (issued.status !== 201) throw new Error(`registering ${partner.id}: ${issued.status} ${JSON.stringify(issued.json)}`);
    const granted: string[] = [];
    for (const grant of partner.grants) {
      const made = await api('/v1/admin/grants', admin, 'POST', { partner_id: partner.id, dataset: grant.dataset, fields: grant.fields, scope: grant.scope ?? {}, purpose: grant.purpose, expires_at: expires });
      if (made.status === 409) {
        granted.push(`${grant.dataset} (exists)`);
        continue;
      }
      if (made.status !== 201) throw new Error(`granting ${grant.dataset} to ${partner.id}: ${made.status} ${JSON.stringify(made.json)}`);
      let status = String(made.json.status);
      if (status === 'pending_approval' && !grant.leavePending) {
        const approved = await api(`/v1/admin/grants/${String(made.json.id)}/approve`, steward, 'POST');
        status = String(approved.json.status);
      }
      granted.push(`${grant.dataset} (${status})`);
    }
    const key = String(issued.json.api_key);
    const dataset = partner.grants.find((grant) => !grant.leavePending)?.dataset ?? 'aqi-hourly';
    console.log(`    ${partner.name} (${partner.id}): ${granted.join(', ')}`);
    console.log(`      key ${key}`);
    console.log(`      curl -s -H 'X-Api-Key: ${key}' '${baseUrl}/v1/datasets/${dataset}/records?limit=5'`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`sharing demo seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
