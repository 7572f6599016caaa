import { describe, expect, it } from 'vitest';
import type { StaffRole } from '@ecogrid/staff-auth';
import { allowedIncidentActions, allowedWarningActions } from './emergency-actions';

const user = (role: StaffRole) => ({ username: role, displayName: role, role });

describe('the emergency actions the console offers', () => {
  it('offers the command roles declare and dismiss on a proposal, the plan on a declared incident, and close while it is open', () => {
    const dispatcher = user('dispatcher');
    expect(allowedIncidentActions(dispatcher, { status: 'proposed', planId: 'P' })).toEqual(['declare', 'dismiss']);
    expect(allowedIncidentActions(dispatcher, { status: 'declared', planId: 'P' })).toEqual(['activate_plan', 'close']);
    expect(allowedIncidentActions(dispatcher, { status: 'declared', planId: '' })).toEqual(['close']);
    expect(allowedIncidentActions(dispatcher, { status: 'responding', planId: 'P' })).toEqual(['close']);
    expect(allowedIncidentActions(dispatcher, { status: 'closed', planId: 'P' })).toEqual([]);
    expect(allowedIncidentActions(dispatcher, { status: 'dismissed', planId: 'P' })).toEqual([]);
    expect(allowedIncidentActions(user('command_center'), { status: 'proposed', planId: '' })).toEqual(['declare', 'dismiss']);
    expect(allowedIncidentActions(user('admin'), { status: 'proposed', planId: '' })).toEqual(['declare', 'dismiss']);
  });

  it('offers nothing on incidents to the roles the emergency service refuses', () => {
    for (const role of ['analyst', 'supervisor', 'officer', 'operator', 'data_steward'] as const) expect(allowedIncidentActions(user(role), { status: 'proposed', planId: 'P' })).toEqual([]);
  });

  it('lets a dispatcher or an admin issue a warning and lift an active one; no one else, and nothing on a lifted one', () => {
    expect(allowedWarningActions(user('dispatcher'))).toEqual(['issue']);
    expect(allowedWarningActions(user('admin'), { status: 'active' })).toEqual(['lift']);
    expect(allowedWarningActions(user('dispatcher'), { status: 'lifted' })).toEqual([]);
    expect(allowedWarningActions(user('command_center'))).toEqual([]);
    expect(allowedWarningActions(user('analyst'), { status: 'active' })).toEqual([]);
  });
});
