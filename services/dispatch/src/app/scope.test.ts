import { describe, expect, it } from 'vitest';
import { isDomainError } from '@ecogrid/domain-errors';
import { inScope, type Actor } from '../domain/case';
import { scopeOf } from './read-cases';

const supervisor: Actor = { subject: 'sv', role: 'supervisor', officerId: 'SV-1', townshipCode: '140802001' };
const officer: Actor = { subject: 'go', role: 'officer', officerId: 'GO-1' };
const district: Actor[] = [
  { subject: 'cc', role: 'command_center' },
  { subject: 'd', role: 'dispatcher' },
  { subject: 'a', role: 'analyst' },
];

const reasonOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return isDomainError(error) ? error.reason : 'not a domain error';
  }
};

describe('scope: who sees which cases', () => {
  it('gives a supervisor their township unit, an officer their own cases, the district roles everything', () => {
    const own = { townshipCode: '140802001', assigneeOfficerId: 'GO-1' };
    const other = { townshipCode: '140802203', assigneeOfficerId: 'GO-9' };
    expect([inScope(supervisor, own), inScope(supervisor, other)]).toEqual([true, false]);
    expect([inScope(officer, own), inScope(officer, other)]).toEqual([true, false]);
    expect(inScope(supervisor, { assigneeOfficerId: 'GO-1' })).toBe(false);
    for (const actor of district) expect([inScope(actor, own), inScope(actor, other)]).toEqual([true, true]);
  });

  it('puts the scope into the query, and refuses an explicit filter outside it', () => {
    expect(scopeOf(supervisor, {})).toEqual({ townshipCode: '140802001' });
    expect(scopeOf(supervisor, { townshipCode: '140802001', officerId: 'GO-9' })).toEqual({ townshipCode: '140802001' });
    expect(reasonOf(() => scopeOf(supervisor, { townshipCode: '140802203' }))).toBe('out_of_scope');
    expect(scopeOf(officer, { townshipCode: '140802203' })).toEqual({ officerId: 'GO-1' });
    expect(reasonOf(() => scopeOf(officer, { officerId: 'GO-9' }))).toBe('out_of_scope');
    expect(reasonOf(() => scopeOf({ subject: 'x', role: 'supervisor' }, {}))).toBe('no_township');
    for (const actor of district) expect(scopeOf(actor, { townshipCode: '140802203' })).toEqual({});
  });
});
