import { credentials, type Metadata, makeGenericClientConstructor, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';
import { STAFF_ROLES, type StaffRole } from '@ecogrid/staff-auth';

export type Decision = 'allow' | 'deny';
export type Subject = 'anonymous' | StaffRole;
export const SUBJECTS: readonly Subject[] = ['anonymous', ...STAFF_ROLES];

export interface MatrixRow {
  operation: string;
  cells: Record<Subject, Decision>;
}

/** The table between `<!-- access-matrix: <name> -->` and `<!-- /access-matrix -->` in docs/security.md. */
export function readAccessMatrix(markdown: string, name: string): MatrixRow[] {
  const start = markdown.indexOf(`<!-- access-matrix: ${name} -->`);
  if (start < 0) throw new Error(`docs/security.md has no access matrix "${name}"`);
  const end = markdown.indexOf('<!-- /access-matrix -->', start);
  const lines = markdown.slice(start, end).split('\n').filter((line) => line.startsWith('|'));
  const header = (lines[0] ?? '').split('|').map((cell) => cell.trim()).filter(Boolean);
  if (header[0] !== 'operation' || header.slice(1).join(',') !== SUBJECTS.join(',')) throw new Error(`access matrix "${name}": columns must be operation, ${SUBJECTS.join(', ')}`);
  return lines.slice(2).map((line) => {
    const cells = line.split('|').map((cell) => cell.trim()).filter(Boolean);
    const row = { operation: cells[0] ?? '', cells: {} as Record<Subject, Decision> };
    SUBJECTS.forEach((subject, index) => {
      const value = cells[index + 1];
      if (value !== 'allow' && value !== 'deny') throw new Error(`access matrix "${name}", ${row.operation}, ${subject}: "${value}" is neither allow nor deny`);
      row.cells[subject] = value;
    });
    return row;
  });
}

export interface CallOutcome {
  /** gRPC status code (0 OK). */
  code: number;
  reason?: string;
  /** The decoded answer of a call that succeeded. */
  response?: unknown;
}

/** A matrix operation with a scope: `GetCase (own)` → `{ operation: 'GetCase', scope: 'own' }`. */
export function scopedOperation(operation: string): { operation: string; scope?: 'own' | 'other' } {
  const match = /^(.*) \((own|other)\)$/.exec(operation);
  return match ? { operation: match[1] as string, scope: match[2] as 'own' | 'other' } : { operation };
}

/** UNAUTHENTICATED or PERMISSION_DENIED: the caller did not get past authentication and authorisation. */
export const isDenied = (outcome: CallOutcome): boolean => outcome.code === 16 || outcome.code === 7;

/**
 * Calls one unary method of a generated service definition with its default (empty) request, or those fields set,
 * and the given metadata, and says how it ended. Used to probe who gets in, not what the method answers.
 */
export async function probeUnary(address: string, definition: ServiceDefinition, method: string, metadata: Metadata, fields: Record<string, unknown> = {}): Promise<CallOutcome> {
  const entry = Object.values(definition).find((candidate) => candidate.path.endsWith(`/${method}`));
  if (!entry) throw new Error(`no method ${method} in the service definition`);
  const Client = makeGenericClientConstructor(definition, 'probe');
  const client = new Client(address, credentials.createInsecure());
  // An empty message decodes to the request with every field at its default.
  const request = { ...(entry.requestDeserialize(Buffer.alloc(0)) as Record<string, unknown>), ...fields };
  try {
    return await new Promise<CallOutcome>((resolve) => {
      client.makeUnaryRequest(entry.path, entry.requestSerialize, entry.responseDeserialize, request, metadata, { deadline: Date.now() + 10_000 }, (error: ServiceError | null, response?: unknown) => {
        if (!error) return resolve({ code: 0, response });
        const reason = error.metadata?.get('ecogrid-reason')[0];
        resolve({ code: error.code, ...(typeof reason === 'string' ? { reason } : {}) });
      });
    });
  } finally {
    client.close();
  }
}
