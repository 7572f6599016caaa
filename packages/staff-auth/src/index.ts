export { isStaffRole, ROLES_NEEDING_OFFICER, ROLES_NEEDING_TOWNSHIP, STAFF_ROLES, type StaffPrincipal, type StaffRole } from './roles';
export { bearerToken, createTokenVerifier, DEFAULT_AUDIENCE, DEFAULT_ISSUER, MAX_TTL_SECONDS, type TokenVerifier, type TokenVerifierOptions } from './token-verifier';
export { createTokenMinter, DEFAULT_TTL_SECONDS, type StaffClaims } from './token-minter';
export { allowsPublishedSecrets, DEV_STAFF_TOKEN_SECRET, PublishedSecretError, refusePublishedSecrets } from './published-secrets';
export { staffAuthSettings, verifierFromSettings, type StaffAuthSettings } from './staff-auth-config';
