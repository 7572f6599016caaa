import { invalidArgument } from '@ecogrid/domain-errors';
import { validateUscc } from '@ecogrid/standards';

/** The staff member behind a command, from the verified token. */
export interface Actor {
  subject: string;
  role: string;
}

/** A USCC that passes GB 32100-2015 (check character included), else INVALID_ARGUMENT naming why. */
export function requireUscc(value: string, field = 'enterprise_uscc'): string {
  const verdict = validateUscc(value.trim().toUpperCase());
  if (!verdict.valid) throw invalidArgument(field, `not a valid unified social credit code (${verdict.reason})`, 'bad_uscc');
  return verdict.code;
}

export function requireText(value: string, field: string, max = 500): string {
  const trimmed = value.trim();
  if (!trimmed) throw invalidArgument(field, `${field} is required`);
  if (trimmed.length > max) throw invalidArgument(field, `${field} is longer than ${max} characters`);
  return trimmed;
}
