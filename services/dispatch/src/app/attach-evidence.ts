import { createHash, randomUUID } from 'node:crypto';
import { DomainError, invalidArgument, notFound } from '@ecogrid/domain-errors';
import type { Actor, CaseLocation } from '../domain/case';
import type { EvidenceRecord } from './ports';
import { canSee, recordFact, type DispatchRuntime } from './runtime';
import { validateLocation } from './create-case';

export const ALLOWED_MEDIA_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;

/** Magic numbers: the declared type must match what the bytes are, or evidence is easy to dispute. */
const SIGNATURES: Record<(typeof ALLOWED_MEDIA_TYPES)[number], Buffer> = {
  'image/jpeg': Buffer.from([0xff, 0xd8, 0xff]),
  'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'application/pdf': Buffer.from('%PDF-'),
};

export interface AttachEvidenceCommand {
  caseId: string;
  actor: Actor;
  fileName: string;
  mediaType: string;
  content: Buffer;
  takenAt?: CaseLocation;
  takenTime?: Date;
}

const mayAddEvidence = (actor: Actor): boolean => actor.role === 'officer' || actor.role === 'supervisor' || actor.role === 'dispatcher' || actor.role === 'command_center';

/**
 * Stores a photo or document with its size, type, SHA-256, who, when and where; the history entry carries
 * the hash, so the file cannot be swapped afterwards without the chain showing it.
 */
export function createAttachEvidence(runtime: DispatchRuntime, options: { maxBytes: number }) {
  return async function attachEvidence(command: AttachEvidenceCommand): Promise<EvidenceRecord> {
    if (!mayAddEvidence(command.actor)) throw new DomainError('PERMISSION_DENIED', `a ${command.actor.role} may not add evidence`, { reason: 'role_not_allowed' });
    const mediaType = command.mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!(ALLOWED_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
      throw invalidArgument('media_type', `media type "${mediaType}" is not accepted; send one of ${ALLOWED_MEDIA_TYPES.join(', ')}`, 'unsupported_media_type');
    }
    if (command.content.length === 0) throw invalidArgument('content', 'the file is empty', 'empty_file');
    if (command.content.length > options.maxBytes) {
      throw new DomainError('INVALID_ARGUMENT', `the file has ${command.content.length} bytes; at most ${options.maxBytes} are accepted`, { reason: 'file_too_large', field: 'content' });
    }
    const signature = SIGNATURES[mediaType as (typeof ALLOWED_MEDIA_TYPES)[number]];
    if (!command.content.subarray(0, signature.length).equals(signature)) {
      throw invalidArgument('content', `the bytes are not a ${mediaType} file`, 'content_type_mismatch');
    }
    const fileName = command.fileName.trim() || 'evidence';
    if (fileName.length > 255) throw invalidArgument('file_name', 'a file name has at most 255 characters');
    validateLocation(command.takenAt, 'taken_at');
    const sha256 = createHash('sha256').update(command.content).digest('hex');
    return runtime.store.transaction(async (tx) => {
      const state = await tx.lockCase(command.caseId);
      if (!state || !canSee(command.actor, state)) throw notFound('case', command.caseId);
      if (state.status === 'merged') throw new DomainError('FAILED_PRECONDITION', `case ${state.id} was merged into ${state.mergedInto}; add evidence there`, { reason: 'case_merged' });
      const now = runtime.clock.now();
      const record: EvidenceRecord = {
        id: randomUUID(),
        caseId: state.id,
        kind: 'attachment',
        fileName,
        mediaType,
        sizeBytes: command.content.length,
        sha256,
        addedBy: command.actor.subject,
        addedAt: now,
        ...(command.takenAt ? { takenAt: command.takenAt } : {}),
        ...(command.takenTime ? { takenTime: command.takenTime } : {}),
      };
      await tx.insertEvidence(record, command.content);
      await recordFact(
        tx,
        state,
        'evidence_attached',
        command.actor,
        now,
        {
          evidenceId: record.id,
          fileName,
          mediaType,
          sizeBytes: record.sizeBytes ?? 0,
          sha256,
          ...(command.takenAt ? { takenAt: { lon: command.takenAt.lon, lat: command.takenAt.lat } } : {}),
          ...(command.takenTime ? { takenTime: command.takenTime.toISOString() } : {}),
        },
        { evidenceSha256: sha256 },
      );
      return record;
    });
  };
}

export interface LinkEvidenceCommand {
  caseId: string;
  actor: Actor;
  kind: string;
  referenceId: string;
  note?: string;
}

/** Links an alert or an observation (held by alerting or in the readings stream) as evidence. */
export function createLinkEvidence(runtime: DispatchRuntime) {
  return async function linkEvidence(command: LinkEvidenceCommand): Promise<EvidenceRecord> {
    if (!mayAddEvidence(command.actor)) throw new DomainError('PERMISSION_DENIED', `a ${command.actor.role} may not add evidence`, { reason: 'role_not_allowed' });
    if (command.kind !== 'alert' && command.kind !== 'observation') throw invalidArgument('kind', 'kind is "alert" or "observation"');
    const referenceId = command.referenceId.trim();
    if (!referenceId) throw invalidArgument('reference_id', 'name the alert or observation to link');
    return runtime.store.transaction(async (tx) => {
      const state = await tx.lockCase(command.caseId);
      if (!state || !canSee(command.actor, state)) throw notFound('case', command.caseId);
      const now = runtime.clock.now();
      const record: EvidenceRecord = { id: randomUUID(), caseId: state.id, kind: command.kind as 'alert' | 'observation', addedBy: command.actor.subject, addedAt: now, referenceId };
      await tx.insertEvidence(record);
      await recordFact(tx, state, 'evidence_linked', command.actor, now, {
        evidenceId: record.id,
        kind: record.kind,
        referenceId,
        ...(command.note ? { note: command.note } : {}),
      });
      return record;
    });
  };
}

export type AttachEvidence = ReturnType<typeof createAttachEvidence>;
export type LinkEvidence = ReturnType<typeof createLinkEvidence>;
