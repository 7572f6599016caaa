import { mnProblem } from '@ecogrid/standards';
import type { Device, ProtocolVersion } from './entities';

export interface FieldProblem {
  field: string;
  code: 'bad_mn' | 'invalid_field' | 'missing_field';
  message: string;
}

/**
 * HJ 212 identity rules. The MN follows the one rule the frame parser applies (`mnProblem` of
 * @ecogrid/standards), so every device the registry accepts can be heard and every MN the parser reads can be
 * registered; the standard's 24 characters are its upper bound, as real 2017 stations send shorter MNs with
 * separators (`JLYP01_AIR01_0001`). The password (PW) must not contain the characters that delimit HJ 212 fields.
 */
export function checkDeviceIdentity(device: Pick<Device, 'mn' | 'password' | 'tolerant'> & { protocolVersion: ProtocolVersion | undefined }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (device.mn === '') problems.push({ field: 'mn', code: 'missing_field', message: 'mn is required' });
  else {
    const problem = mnProblem(device.mn);
    if (problem !== null) problems.push({ field: 'mn', code: 'bad_mn', message: problem });
  }
  if (device.password === '') problems.push({ field: 'password', code: 'missing_field', message: 'password is required' });
  else if (/[;,=&\s]/.test(device.password) || device.password.length > 64) {
    problems.push({ field: 'password', code: 'invalid_field', message: 'a password has no spaces, ; , = or & and at most 64 characters' });
  }
  if (device.protocolVersion === undefined) problems.push({ field: 'protocol', code: 'missing_field', message: 'protocol (2005, 2017 or 2025) is required' });
  return problems;
}
