import { CATALOGUE } from '../domain/catalogue';
import { SHARING_CLASS_LABELS } from '../domain/sharing-class';
import type { Actor } from './actors';
import type { SharingRuntime } from './runtime';

/** The catalogue as a partner sees it: every dataset, its class and fields, and the state of the partner's grant. */
export function createReadCatalogue(runtime: SharingRuntime) {
  return async (actor: Actor) => {
    const grants = actor.kind === 'partner' ? await runtime.grants.forPartner(actor.partnerId) : [];
    const now = runtime.clock.now();
    return CATALOGUE.map((dataset) => {
      const grant = grants.find((candidate) => candidate.datasetId === dataset.id && candidate.status !== 'revoked');
      return {
        id: dataset.id,
        title: dataset.title,
        sharing_class: dataset.sharingClass,
        sharing_class_label: SHARING_CLASS_LABELS[dataset.sharingClass],
        legal_basis: dataset.legalBasis,
        owner: dataset.owner,
        fed: dataset.fed,
        scope_dimensions: [...dataset.scopeDimensions],
        fields: dataset.fields.map((field) => ({ name: field.name, type: field.type, description: field.description, shareable: !field.neverShared })),
        grant: grant
          ? { id: grant.id, status: grant.expiresAt <= now ? 'expired' : grant.status, fields: [...grant.fields], expires_at: grant.expiresAt.toISOString(), purpose: grant.purpose }
          : null,
      };
    });
  };
}
