/**
 * Development defaults that are published in this repository. Anyone can read them, so a service outside
 * development or test refuses to start with one.
 */
export const DEV_STAFF_TOKEN_SECRET = 'dev-only-insecure-staff-token-secret-change-me';

const PUBLISHED: ReadonlySet<string> = new Set([DEV_STAFF_TOKEN_SECRET]);

export class PublishedSecretError extends Error {
  constructor(readonly variables: string[]) {
    super(`invalid configuration: ${variables.join(', ')} ${variables.length === 1 ? 'is' : 'are'} published in the EcoGrid repository; set your own, or NODE_ENV=development for local use`);
    this.name = 'PublishedSecretError';
  }
}

/** Whether the environment is one where published development secrets are acceptable. */
export function allowsPublishedSecrets(nodeEnv: string | undefined): boolean {
  return nodeEnv === 'development' || nodeEnv === 'test';
}

/**
 * Throws unless every named secret is one of the service's own, or NODE_ENV says development or test. An unset
 * NODE_ENV counts as production: forgetting it must not open the door.
 */
export function refusePublishedSecrets(nodeEnv: string | undefined, secrets: Record<string, string | undefined>, extraPublished: readonly string[] = []): void {
  if (allowsPublishedSecrets(nodeEnv)) return;
  const published = new Set([...PUBLISHED, ...extraPublished]);
  const offending = Object.entries(secrets)
    .filter(([, value]) => value !== undefined && published.has(value))
    .map(([name]) => name);
  if (offending.length > 0) throw new PublishedSecretError(offending);
}
