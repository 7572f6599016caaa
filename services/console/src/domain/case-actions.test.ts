import { describe, expect, it } from 'vitest';
import { allowedActions } from './case-actions';

const dispatcher = { username: 'd', displayName: 'D', role: 'dispatcher' as const };
const officer = { username: 'o', displayName: 'O', role: 'officer' as const, officerId: 'GO-1' };

describe('the actions the console offers', () => {
  it('offers the assignee accept on a dispatched case, and nothing of the loop to another officer', () => {
    expect(allowedActions(officer, { status: 'dispatched', assigneeOfficerId: 'GO-1' })).toEqual(['accept', 'return', 'note']);
    expect(allowedActions(officer, { status: 'dispatched', assigneeOfficerId: 'GO-2' })).toEqual([]);
  });

  it('offers the dispatcher verify and rework on handled work, close on verified, and no field step', () => {
    expect(allowedActions(dispatcher, { status: 'handled', assigneeOfficerId: 'GO-1' })).toEqual(['verify', 'rework', 'note']);
    expect(allowedActions(dispatcher, { status: 'verified', assigneeOfficerId: 'GO-1' })).toEqual(['close', 'note']);
    expect(allowedActions(dispatcher, { status: 'on_site', assigneeOfficerId: 'GO-1' })).toEqual(['reassign', 'note']);
  });

  it('never offers a supervisor the verification of their own work', () => {
    const supervisor = { username: 's', displayName: 'S', role: 'supervisor' as const, officerId: 'SV-1', townshipCode: 't' };
    expect(allowedActions(supervisor, { status: 'handled', assigneeOfficerId: 'SV-1' })).toEqual(['note']);
  });
});
