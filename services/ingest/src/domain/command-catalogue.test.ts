import { describe, expect, it } from 'vitest';
import { checkCommand } from './command-catalogue';

describe('checkCommand', () => {
  it('takes the commands of HJ 212-2017 table 9 the platform sends, with their parameters in order', () => {
    expect(checkCommand('1062', { RtdInterval: '60' })).toEqual({ ok: true, kind: 'request', params: { RtdInterval: '60' } });
    expect(checkCommand('2061', { EndTime: '20261206090000', BeginTime: '20261206080000' })).toEqual({ ok: true, kind: 'request', params: { BeginTime: '20261206080000', EndTime: '20261206090000' } });
    expect(checkCommand('2012', {})).toMatchObject({ ok: true, kind: 'notification' });
    expect(checkCommand('1012', {})).toMatchObject({ ok: true, params: {} });
    expect(checkCommand('3021', { PolId: 'w01018', InfoId: 'i13004', 'i13004-Info': '168.0' })).toMatchObject({ ok: true, params: { PolId: 'w01018', InfoId: 'i13004', 'i13004-Info': '168.0' } });
  });

  it.each([
    ['9014', {}, 'command_code', 'unsupported_command'],
    ['2081', {}, 'command_code', 'unsupported_command'],
    ['1062', {}, 'params.RtdInterval', 'missing_field'],
    ['1062', { RtdInterval: '29' }, 'params.RtdInterval', 'invalid_field'],
    ['1062', { RtdInterval: '3601' }, 'params.RtdInterval', 'invalid_field'],
    ['1062', { RtdInterval: '30.5' }, 'params.RtdInterval', 'invalid_field'],
    ['1064', { MinInterval: '7' }, 'params.MinInterval', 'invalid_field'],
    ['1072', { NewPW: 'toolong7' }, 'params.NewPW', 'invalid_field'],
    ['1012', { SystemTime: '20261331000000' }, 'params.SystemTime', 'invalid_field'],
    ['2031', { BeginTime: '20261206000000', EndTime: '20261205000000' }, 'params.EndTime', 'invalid_field'],
    ['3011', {}, 'params.PolId', 'missing_field'],
    ['1061', { RtdInterval: '30' }, 'params.RtdInterval', 'unknown_field'],
    ['3021', { InfoId: 'i13004' }, 'params.i13004-Info', 'missing_field'],
  ] as const)('refuses CN=%s with %j at %s (%s)', (cn, params, field, reason) => {
    expect(checkCommand(cn, params)).toMatchObject({ ok: false, problem: { field, reason } });
  });
});
