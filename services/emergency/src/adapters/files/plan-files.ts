import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Plan } from '../../domain/incidents/plan';

/** services/emergency/data/plans, three levels up from src/adapters/files and dist/adapters/files alike. */
export const DEMO_PLANS_DIRECTORY = resolve(__dirname, '../../../data/plans');

const planFile = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  triggerKind: z.enum(['water_source', 'river_section', 'toxic_gas', 'other']),
  triggerLevels: z.array(z.enum(['I', 'II', 'III', 'IV'])),
  targetId: z.string(),
  tasks: z.array(
    z.object({
      taskId: z.string().min(1),
      department: z.string(),
      officerId: z.string(),
      title: z.string().min(1),
      description: z.string(),
      deadlineMinutes: z.number().int().positive(),
      priority: z.enum(['low', 'normal', 'high', 'urgent']),
    }),
  ),
});

export type PlanDraft = Omit<Plan, 'version' | 'createdAt' | 'createdBy'>;

/** Every `*.json` plan of a directory, checked; a file that does not parse stops the start, naming what is wrong. */
export function readPlanFiles(directory: string): PlanDraft[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const parsed = planFile.safeParse(JSON.parse(readFileSync(join(directory, name), 'utf8')));
      if (!parsed.success) throw new Error(`plan file ${name}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
      return parsed.data;
    });
}
