import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { River } from '../../domain/incidents/river';
import type { RiverCatalogue } from '../../app/incidents';

/** services/emergency/data/rivers.geojson, three levels up from src/adapters/files and dist/adapters/files alike. */
export const DEMO_RIVERS_FILE = resolve(__dirname, '../../../data/rivers.geojson');

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const riverFile = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      properties: z.object({ id: z.string().min(1), name: z.string().min(1) }).loose(),
      geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(position).min(2) }),
    }),
  ),
});

/**
 * Rivers as GeoJSON LineStrings drawn upstream → downstream (properties `id`, `name`). Read once at start; a file
 * that does not parse stops the start, naming what is wrong.
 */
export function loadRiverFile(path: string): RiverCatalogue {
  const parsed = riverFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`river file ${path}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const rivers: River[] = parsed.data.features.map((feature) => ({ id: feature.properties.id, name: feature.properties.name, path: feature.geometry.coordinates }));
  const byId = new Map(rivers.map((river) => [river.id, river]));
  return { rivers: () => rivers, river: (id) => byId.get(id) };
}
