import { Metadata } from '@grpc/grpc-js';
import { createTokenMinter, type StaffClaims } from '@ecogrid/staff-auth';

/** The staff token secret services under test are started with (never the published development one). */
export const TEST_STAFF_TOKEN_SECRET = 'test-only-staff-token-secret-0123456789-abcdef';

const minter = createTokenMinter({ secret: TEST_STAFF_TOKEN_SECRET });

/** A staff token for services started with TEST_STAFF_TOKEN_SECRET. */
export function testStaffToken(claims: Partial<StaffClaims> & Pick<StaffClaims, 'role'>): Promise<string> {
  return minter.mint({ sub: claims.sub ?? `${claims.role}@test`, ...claims });
}

/** gRPC metadata carrying a test staff token. */
export async function staffMetadata(claims: Partial<StaffClaims> & Pick<StaffClaims, 'role'>): Promise<Metadata> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${await testStaffToken(claims)}`);
  return metadata;
}
