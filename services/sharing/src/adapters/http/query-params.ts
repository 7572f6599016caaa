import type { Request } from 'express';
import { z } from 'zod';
import { invalidArgument } from '@ecogrid/domain-errors';

const single = z.string().max(200);
const instant = z.iso.datetime({ offset: true }).transform((text) => new Date(text));

export const pullQuerySchema = z
  .object({
    cursor: single.optional(),
    limit: z.coerce.number().int().positive().max(10_000).optional(),
    township: single.optional(),
    enterprise: single.optional(),
    factor: single.optional(),
    since: instant.optional(),
    until: instant.optional(),
  })
  .strict();

/** The query string parsed by `schema`; repeated or unknown parameters are refused, naming the first. */
export function parseQuery<T extends z.ZodType>(request: Request, schema: T): z.infer<T> {
  const raw: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(request.originalUrl.split('?')[1] ?? '')) {
    if (name in raw) throw invalidArgument(name, `${name} is given twice`, 'repeated_parameter');
    raw[name] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || (issue && 'keys' in issue ? String((issue as { keys: string[] }).keys[0]) : 'query');
    throw invalidArgument(field, issue?.message ?? 'invalid query', 'invalid_query');
  }
  return parsed.data;
}
