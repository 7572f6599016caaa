import { DomainError } from '@ecogrid/domain-errors';
import type { Assignment } from '../domain/case-machine';
import type { GridDirectory, GridPlace } from './ports';

export interface RoutingInput {
  location?: { lon: number; lat: number };
  cellId?: string;
  townshipCode?: string;
  /** A dispatcher's explicit choice, which wins over routing. */
  chosenOfficerId?: string;
  chosenBy?: string;
}

export interface RoutingDecision {
  place?: GridPlace;
  assignment?: Assignment;
  /** Why nobody was assigned, when nobody was. */
  unassignedReason?: string;
}

/** Checks that an officer named by a person exists and is active. */
export function requireActiveOfficer(grid: GridDirectory, officerId: string): void {
  const officer = grid.officer(officerId);
  if (!officer) throw new DomainError('INVALID_ARGUMENT', `officer ${officerId} is not in the registry`, { reason: 'unknown_officer', field: 'target_officer_id' });
  if (!officer.active) throw new DomainError('FAILED_PRECONDITION', `officer ${officerId} is not active`, { reason: 'inactive_officer' });
}

/**
 * The case's location → cell → the officer on duty there now (a roster shift, else the responsible officer);
 * when nobody is on duty, the township unit's supervisor; when no cell covers the place, nobody (the case
 * waits for a dispatcher). The reason is kept with the assignment.
 */
export function routeCase(grid: GridDirectory, input: RoutingInput, at: Date): RoutingDecision {
  let place: GridPlace | undefined;
  if (input.cellId) place = grid.cell(input.cellId);
  if (!place && input.location) place = grid.locate(input.location, at);
  if (!place && input.cellId && input.townshipCode) place = { cellId: input.cellId, townshipCode: input.townshipCode };
  const township = place?.townshipCode ?? input.townshipCode;

  if (input.chosenOfficerId) {
    requireActiveOfficer(grid, input.chosenOfficerId);
    return { ...(place ? { place } : {}), assignment: { officerId: input.chosenOfficerId, reason: `chosen by ${input.chosenBy ?? 'a dispatcher'}` } };
  }
  if (place) {
    const onDuty = grid.onDutyOfficer(place.cellId, at);
    if (onDuty && grid.officer(onDuty.officerId)?.active !== false) {
      const how = onDuty.source === 'roster_shift' ? 'on a duty-roster shift' : 'the responsible grid officer';
      return { place, assignment: { officerId: onDuty.officerId, reason: `${how} in cell ${place.cellId}` } };
    }
  }
  if (township) {
    const supervisor = grid.supervisorOf(township);
    if (supervisor) {
      const why = place ? `no officer on duty in cell ${place.cellId}` : 'no cell covers the location';
      return { ...(place ? { place } : {}), assignment: { officerId: supervisor, reason: `${why}: the supervisor of township ${township}` } };
    }
  }
  return {
    ...(place ? { place } : {}),
    unassignedReason: place ? `nobody on duty in cell ${place.cellId} and no supervisor for township ${place.townshipCode}` : 'no cell covers the location',
  };
}
