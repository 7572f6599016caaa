import { invalidArgument } from '@ecogrid/domain-errors';
import { validateReductionList } from '../../domain/warnings/reduction-list';
import { parseReductionListCsv, parseReductionListJson } from '../../domain/warnings/reduction-list-format';
import type { Actor, ReductionList, WarningDependencies } from './ports';

/** Lists up to this size are imported in one request (the district has a few hundred listed enterprises). */
const MAX_CONTENT_CHARS = 8_000_000;

/**
 * Imports a year's reduction list as a new version (the earlier ones stay, and each warning keeps the version it
 * activated). The whole list is checked before anything is stored.
 */
export function createImportReductionList(deps: WarningDependencies & { onImported?: () => void }) {
  return async (input: { year: number; format: 'csv' | 'json'; content: string }, actor: Actor): Promise<ReductionList> => {
    if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2100) throw invalidArgument('year', `年份无效 (year must be 2000–2100, got ${input.year})`, 'bad_year');
    if (input.content.length > MAX_CONTENT_CHARS) throw invalidArgument('content', `清单过大 (the list is over ${MAX_CONTENT_CHARS} characters)`, 'too_large');
    const entries = input.format === 'csv' ? parseReductionListCsv(input.content) : parseReductionListJson(input.content);
    validateReductionList(entries);
    const list = await deps.store.saveReductionList(input.year, entries, actor.subject, deps.clock.now());
    deps.onImported?.();
    return list;
  };
}
