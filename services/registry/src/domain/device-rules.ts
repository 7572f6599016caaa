import type { Device, ProtocolVersion } from './entities';

export interface FieldProblem {
  field: string;
  code: 'bad_mn' | 'invalid_field' | 'missing_field';
  message: string;
}

/**
 * HJ 212 identity rules. 2017 and 2025 devices carry a 24-character MN (EPC-96, STANDARDS.md §1.11); 2005
 * devices and tolerant profiles send shorter ones (commonly 14). The password (PW) must not contain the
 * characters that delimit HJ 212 fields.
 */
export function checkDeviceIdentity(device: Pick<Device, 'mn' | 'password' | 'tolerant'> & { protocolVersion: ProtocolVersion | undefined }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (device.mn === '') problems.push({ field: 'mn', code: 'missing_field', message: 'mn is required' });
  else if (!/^[0-9A-Za-z]{1,24}$/.test(device.mn)) problems.push({ field: 'mn', code: 'bad_mn', message: 'an MN is 1–24 letters and digits' });
  else if (device.protocolVersion !== undefined && device.protocolVersion !== '2005' && !device.tolerant && device.mn.length !== 24) {
    problems.push({ field: 'mn', code: 'bad_mn', message: `a strict HJ 212-2017/2025 device has a 24-character MN, not ${device.mn.length}` });
  }
  if (device.password === '') problems.push({ field: 'password', code: 'missing_field', message: 'password is required' });
  else if (/[;,=&\s]/.test(device.password) || device.password.length > 64) {
    problems.push({ field: 'password', code: 'invalid_field', message: 'a password has no spaces, ; , = or & and at most 64 characters' });
  }
  if (device.protocolVersion === undefined) problems.push({ field: 'protocol', code: 'missing_field', message: 'protocol (2005, 2017 or 2025) is required' });
  return problems;
}
