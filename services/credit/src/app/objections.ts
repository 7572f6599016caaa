import { randomUUID } from 'node:crypto';
import { DomainError, failedPrecondition, invalidArgument, notFound } from '@ecogrid/domain-errors';
import { facts } from '../domain/evidence';
import { RECORD_KINDS } from '../domain/ledger';
import type { StoredRating } from './ports';
import { appendInTransaction, rerate, type CreditRuntime } from './runtime';
import { requireText, requireUscc, type Actor } from './staff';

const EVIDENCE_KINDS = new Set(RECORD_KINDS.filter((kind) => !kind.startsWith('objection') && !kind.startsWith('restoration')));

/** `<USCC>/<sequence>` → the USCC, or INVALID_ARGUMENT. */
function usccOfRecord(recordId: string): string {
  const [uscc, sequence] = recordId.split('/');
  if (!uscc || !sequence || !/^\d+$/.test(sequence)) throw invalidArgument('record_id', 'a record id is <USCC>/<sequence>');
  return requireUscc(uscc, 'record_id');
}

/** An objection (异议) suspends an evidence record: it stops counting until the objection is resolved. */
export function createFileObjection(runtime: CreditRuntime) {
  return async (input: { recordId: string; reason: string }, actor: Actor): Promise<{ objectionId: string; rating: StoredRating }> => {
    const uscc = usccOfRecord(input.recordId);
    const reason = requireText(input.reason, 'reason');
    return runtime.store.transaction(async (tx) => {
      const head = await tx.lockEnterprise(uscc);
      const target = (await tx.records(uscc)).find((record) => record.id === input.recordId);
      if (!target) throw notFound('ledger record', input.recordId);
      if (!EVIDENCE_KINDS.has(target.kind)) throw failedPrecondition(`${input.recordId} is a ${target.kind} record, not evidence`, 'not_evidence');
      const objectionId = `OBJ-${randomUUID()}`;
      const at = runtime.clock.now();
      try {
        await tx.insertObjection({ id: objectionId, uscc, recordId: input.recordId, status: 'pending', filedBy: actor.subject }, at);
      } catch (error) {
        if (error instanceof DomainError) throw error;
        throw failedPrecondition(`${input.recordId} already has a pending objection`, 'objection_pending');
      }
      const [sealed] = await appendInTransaction(tx, head, [{ uscc, kind: 'objection_filed', sourceEventId: `objection:${objectionId}`, occurredAt: at, actor: actor.subject, facts: facts.objectionFiled({ objectionId, targetRecordId: input.recordId, reason }) }], at);
      if (!sealed) throw new Error(`objection ${objectionId} was not recorded`);
      return { objectionId, rating: await rerate(runtime, tx, uscc, 'dynamic', sealed, at) };
    });
  };
}

/** Upheld: the record is void for good. Rejected: it counts again. The one who filed it does not resolve it. */
export function createResolveObjection(runtime: CreditRuntime) {
  return async (input: { objectionId: string; upheld: boolean; note: string }, actor: Actor): Promise<StoredRating> => {
    const found = await runtime.store.transaction(async (tx) => tx.objection(input.objectionId));
    if (!found) throw notFound('objection', input.objectionId);
    return runtime.store.transaction(async (tx) => {
      const head = await tx.lockEnterprise(found.uscc);
      const objection = await tx.objection(input.objectionId);
      if (!objection || objection.status !== 'pending') throw failedPrecondition(`objection ${input.objectionId} is already ${objection?.status ?? 'gone'}`, 'objection_resolved');
      if (objection.filedBy === actor.subject) throw new DomainError('PERMISSION_DENIED', 'the one who filed an objection does not resolve it', { reason: 'four_eyes' });
      const at = runtime.clock.now();
      await tx.resolveObjection(objection.id, input.upheld ? 'upheld' : 'rejected', actor.subject, at);
      const [sealed] = await appendInTransaction(
        tx,
        head,
        [{ uscc: objection.uscc, kind: 'objection_resolved', sourceEventId: `objection-resolved:${objection.id}`, occurredAt: at, actor: actor.subject, facts: facts.objectionResolved({ objectionId: objection.id, targetRecordId: objection.recordId, upheld: input.upheld, note: input.note.trim().slice(0, 500) }) }],
        at,
      );
      if (!sealed) throw new Error(`the resolution of ${objection.id} was not recorded`);
      return rerate(runtime, tx, objection.uscc, 'dynamic', sealed, at);
    });
  };
}
