import { describe, expect, it } from 'vitest';
import { locateOnRiver } from '../../domain/incidents/river';
import { selectPlan, validatePlan } from '../../domain/incidents/plan';
import { incident } from '../../domain/incidents/testing/fixtures';
import { DEMO_PLANS_DIRECTORY, readPlanFiles } from './plan-files';
import { DEMO_RIVERS_FILE, loadRiverFile } from './river-file';

describe('the demo data of incidents', () => {
  it('has rivers on which the 曾家营 section and the 东孙坞 water-source station lie', () => {
    const rivers = loadRiverFile(DEMO_RIVERS_FILE);
    const yaoxianqu = rivers.river('RIV-YAOXIANQU');
    expect(yaoxianqu?.name).toBe('姚暹渠');
    expect(locateOnRiver(yaoxianqu!, 110.938553, 35.010811).offsetM).toBeLessThan(50);
    expect(locateOnRiver(yaoxianqu!, 111.06115, 34.99599).offsetM).toBeLessThan(50);
    expect(rivers.rivers().map((river) => river.id)).toEqual(['RIV-YAOXIANQU', 'RIV-SUSHUIHE']);
  });

  it('has a valid plan for a water-source incident at 东孙坞, chosen for an incident there', () => {
    const drafts = readPlanFiles(DEMO_PLANS_DIRECTORY);
    const plans = drafts.map((draft) => ({ ...draft, version: 1, createdAt: new Date(0), createdBy: 'demo-seed' }));
    for (const plan of plans) expect(() => validatePlan(plan)).not.toThrow();
    expect(selectPlan(plans, incident({ targetId: 'DWS01-1', level: 'II' }))?.id).toBe('YH-DWS01-WATER');
    expect(selectPlan(plans, incident({ kind: 'toxic_gas' }))).toBeUndefined();
  });
});
