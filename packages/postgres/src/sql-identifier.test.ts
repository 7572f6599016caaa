import { describe, expect, it } from 'vitest';
import { sessionConfig } from './create-service-pool';
import { isPlainIdentifier, quoteIdent } from './sql-identifier';

describe('schema names in SQL text', () => {
  it('quotes plain lower-case identifiers and refuses anything else', () => {
    expect(quoteIdent('dispatch')).toBe('"dispatch"');
    expect(quoteIdent('t_alerting_restart_0a1b2c3d')).toBe('"t_alerting_restart_0a1b2c3d"');
    for (const unsafe of ['Dispatch', 'dispatch"; DROP SCHEMA public; --', '1st', '', 'a'.repeat(64), 'case-board']) {
      expect(isPlainIdentifier(unsafe)).toBe(false);
      expect(() => quoteIdent(unsafe)).toThrow(/unsafe SQL identifier/);
    }
  });

  it('puts the service schema first on every session, whatever options the URL carried', () => {
    const config = sessionConfig('postgres://ecogrid@db:5432/ecogrid?options=-c%20search_path%3Dpublic', 'alerting', 'ecogrid-alerting');
    expect(config).toEqual({ connectionString: 'postgres://ecogrid@db:5432/ecogrid', options: '-c search_path=alerting,public', application_name: 'ecogrid-alerting' });
    expect(() => sessionConfig('postgres://db/ecogrid', 'x;y', 'ecogrid')).toThrow(/unsafe/);
  });
});
