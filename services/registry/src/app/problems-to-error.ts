import { DomainError } from '@ecogrid/domain-errors';
import { CONFLICT_CODES, isBlocking, type ImportProblem } from '../domain/import-problem';

/** The blocking problems of a single-record write as one domain error: a conflict when any is, else bad input. */
export function throwIfBlocking(problems: ImportProblem[]): void {
  const blocking = problems.filter(isBlocking);
  const first = blocking[0];
  if (!first) return;
  const conflict = blocking.find((found) => CONFLICT_CODES.has(found.code));
  const lead = conflict ?? first;
  throw new DomainError(conflict ? 'FAILED_PRECONDITION' : 'INVALID_ARGUMENT', blocking.map((found) => `${found.field}: ${found.message}`).join('; '), {
    reason: lead.code,
    field: lead.field,
  });
}
