import type { RegistryRepository } from './ports';

/**
 * Devices stored before passwords had verifiers are written once more, which gives them one and publishes it:
 * without it ingest would refuse every such device. Idempotent; run at start-up.
 */
export function createAttachPasswordVerifiers(deps: { registry: RegistryRepository }) {
  return async function attachPasswordVerifiers(): Promise<number> {
    let attached = 0;
    let pageToken = '';
    do {
      const page = await deps.registry.listDevices({}, { pageSize: 500, pageToken });
      const missing = page.items.filter((device) => device.passwordVerifier === undefined);
      if (missing.length > 0) attached += (await deps.registry.write((writer) => writer.putDevices(missing))).updated;
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    return attached;
  };
}
