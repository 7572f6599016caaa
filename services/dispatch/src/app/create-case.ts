import { DomainError, invalidArgument } from '@ecogrid/domain-errors';
import { inScope, PRIORITIES, type Actor, type CaseLocation, type Priority } from '../domain/case';
import { createOnce, type Creation } from './idempotent-creation';
import { openCase } from './open-case';
import type { IdempotencyClaim } from './ports';
import type { DispatchRuntime } from './runtime';

export interface CreateCaseCommand {
  actor: Actor;
  caseType: string;
  title: string;
  description?: string;
  location?: CaseLocation;
  cellId?: string;
  priority?: string;
  enterpriseUscc?: string;
  assigneeOfficerId?: string;
  /** A retry with the same key gets the first request's case (POST /v1/cases with Idempotency-Key). */
  idempotency?: IdempotencyClaim;
}

export function validateLocation(location: CaseLocation | undefined, field = 'location'): void {
  if (!location) return;
  if (!Number.isFinite(location.lon) || location.lon < -180 || location.lon > 180) throw invalidArgument(`${field}.lon`, 'longitude must lie between -180 and 180');
  if (!Number.isFinite(location.lat) || location.lat < -90 || location.lat > 90) throw invalidArgument(`${field}.lat`, 'latitude must lie between -90 and 90');
}

/**
 * A dispatcher registers a case by hand (manual), or a grid officer reports what they found on patrol
 * (patrol). Both are routed like any other case; a dispatcher may name the officer instead.
 */
export function createCreateCase(runtime: DispatchRuntime) {
  return async function createCase(command: CreateCaseCommand): Promise<Creation> {
    const role = command.actor.role;
    if (role !== 'dispatcher' && role !== 'command_center' && role !== 'supervisor' && role !== 'officer') {
      throw new DomainError('PERMISSION_DENIED', `a ${role} may not create cases`, { reason: 'role_not_allowed' });
    }
    if (!runtime.policy.caseTypes[command.caseType]) {
      throw invalidArgument('case_type', `unknown case type "${command.caseType}"; one of ${Object.keys(runtime.policy.caseTypes).join(', ')}`, 'unknown_case_type');
    }
    const title = command.title.trim();
    if (!title) throw invalidArgument('title', 'a case needs a title');
    if (title.length > 200) throw invalidArgument('title', 'a title has at most 200 characters');
    if (!command.location && !command.cellId) throw invalidArgument('location', 'a case needs a location or a cell', 'location_required');
    validateLocation(command.location);
    let priority: Priority | undefined;
    if (command.priority) {
      if (!(PRIORITIES as readonly string[]).includes(command.priority)) throw invalidArgument('priority', `priority is one of ${PRIORITIES.join(', ')}`);
      priority = command.priority as Priority;
    }
    if (command.assigneeOfficerId && role === 'officer') {
      throw new DomainError('PERMISSION_DENIED', 'officers report what they find; dispatchers choose assignees', { reason: 'role_not_allowed' });
    }
    const source = role === 'officer' ? 'patrol' : 'manual';
    return createOnce(runtime, command.idempotency, async (tx) => {
      const opened = await openCase(tx, runtime, {
        source,
        caseType: command.caseType,
        title,
        description: command.description?.trim() ?? '',
        ...(command.location ? { location: command.location } : {}),
        ...(command.cellId ? { cellId: command.cellId } : {}),
        ...(command.enterpriseUscc ? { enterpriseUscc: command.enterpriseUscc } : {}),
        ...(priority ? { requestedPriority: priority } : {}),
        ...(command.assigneeOfficerId ? { chosenOfficerId: command.assigneeOfficerId } : {}),
        actor: command.actor,
        registration: { reportedBy: command.actor.subject, ...(command.actor.officerId ? { reporterOfficerId: command.actor.officerId } : {}) },
      });
      // Where a case lies is known once it is routed; a supervisor registers cases of their own unit only, and
      // throwing here rolls the whole registration back.
      if (role === 'supervisor' && !inScope(command.actor, opened)) {
        throw new DomainError('PERMISSION_DENIED', `the place lies outside township unit ${command.actor.townshipCode ?? '?'}`, { reason: 'out_of_scope' });
      }
      return opened;
    });
  };
}

export type CreateCase = ReturnType<typeof createCreateCase>;
