import type { JsonObject } from '@ecogrid/hash-chain';
import type { LedgerRecord } from './ledger';
import { inPeriod, type Period } from './period';
import type { EvidenceKind } from './ruleset';

/** The facts each kind of record stores (its `facts` JSON). Builders keep the shapes in one place. */
export interface ExceedanceFacts {
  alertId: string;
  alertSequence: number;
  state: 'raised' | 'updated' | 'cleared';
  deviceMn: string;
  factorCode: string;
  outletId?: string;
  /** 超标倍数 (value − limit) / limit at the worst reading of the episode. */
  multiple: number;
  openedAt: string;
  changedAt: string;
}

export type CaseStatusFact = 'registered' | 'dispatched' | 'handled' | 'verified' | 'closed' | 'other';

export interface CaseFacts {
  caseId: string;
  caseSequence: number;
  status: CaseStatusFact;
  source: 'alert' | 'complaint' | 'patrol' | 'manual' | 'other';
  createdAt: string;
}

export interface PenaltyFacts {
  decisionNumber: string;
  amountYuan: number;
  legalBasis: string;
  summary: string;
}

export const facts = {
  exceedance: (value: ExceedanceFacts): JsonObject => ({ ...value }),
  case: (value: CaseFacts): JsonObject => ({ ...value }),
  penalty: (value: PenaltyFacts): JsonObject => ({ ...value }),
  inspection: (value: { violationFound: boolean; reference: string; summary: string }): JsonObject => ({ ...value }),
  complaint: (value: { reference: string; summary: string }): JsonObject => ({ ...value }),
  vetoEvent: (value: { vetoCode: string; reference: string; summary: string }): JsonObject => ({ ...value }),
  monitoringCompleteness: (value: { percent: number; reference: string }): JsonObject => ({ ...value }),
  objectionFiled: (value: { objectionId: string; targetRecordId: string; reason: string }): JsonObject => ({ ...value }),
  objectionResolved: (value: { objectionId: string; targetRecordId: string; upheld: boolean; note: string }): JsonObject => ({ ...value }),
  restorationApplied: (value: { applicationId: string; ruleId: string; caseId: string; evidence: string; cancels: string[] }): JsonObject => ({ ...value }),
  restorationReviewed: (value: { applicationId: string; approved: boolean; cancels: string[]; note: string }): JsonObject => ({ ...value }),
};

const text = (value: JsonObject, key: string): string => {
  const found = value[key];
  return typeof found === 'string' ? found : '';
};
const number = (value: JsonObject, key: string): number => {
  const found = value[key];
  return typeof found === 'number' ? found : 0;
};
const texts = (value: JsonObject, key: string): string[] => {
  const found = value[key];
  return Array.isArray(found) ? found.filter((item): item is string => typeof item === 'string') : [];
};

/**
 * One piece of evidence as rules see it. Several records can make one item: every event of an alert episode
 * (raised, updated, cleared) or of a case is one item, so an episode counts once however many events it had.
 */
export interface EvidenceItem {
  kind: EvidenceKind;
  /** What groups the records: the alert or case id, else the record id. */
  key: string;
  recordIds: string[];
  occurredAt: Date;
  measures: Record<string, number>;
  labels: Record<string, string>;
  /** When a case reached verification (rectification confirmed). */
  verifiedAt?: Date;
}

/** Why records do not count now. */
export interface Exclusions {
  /** An objection is pending. */
  suspended: Set<string>;
  /** An objection was upheld. */
  voided: Set<string>;
  /** An approved restoration cancelled them (核销). */
  cancelled: Set<string>;
}

const DECISIONS = new Set(['objection_filed', 'objection_resolved', 'restoration_applied', 'restoration_reviewed']);

/** Objections and restorations, applied in ledger order. */
export function exclusionsOf(records: readonly LedgerRecord[]): Exclusions {
  const pending = new Map<string, string>();
  const exclusions: Exclusions = { suspended: new Set(), voided: new Set(), cancelled: new Set() };
  for (const record of records) {
    if (record.kind === 'objection_filed') pending.set(text(record.facts, 'objectionId'), text(record.facts, 'targetRecordId'));
    else if (record.kind === 'objection_resolved') {
      const target = pending.get(text(record.facts, 'objectionId'));
      pending.delete(text(record.facts, 'objectionId'));
      if (target !== undefined && record.facts.upheld === true) exclusions.voided.add(target);
    } else if (record.kind === 'restoration_reviewed' && record.facts.approved === true) {
      for (const id of texts(record.facts, 'cancels')) exclusions.cancelled.add(id);
    }
  }
  for (const target of pending.values()) exclusions.suspended.add(target);
  return exclusions;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** The evidence items of a period (by when the evidence occurred), from an enterprise's records in ledger order. */
export function evidenceItems(records: readonly LedgerRecord[], period: Period): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  const groups = new Map<string, LedgerRecord[]>();
  const startMs = period.start.getTime();
  const startIso = period.start.toISOString();
  for (const record of records) {
    if (DECISIONS.has(record.kind)) continue;
    if (record.occurredAt.getTime() < startMs) {
      // An item occurs when it began (an episode's opening, a case's creation), never after its records: one that
      // began before the period is not in it, so its records need no grouping. A full re-rating reads years of them.
      if (record.kind !== 'exceedance' && record.kind !== 'case') continue;
      const began = text(record.facts, record.kind === 'exceedance' ? 'openedAt' : 'createdAt');
      if (began && began < startIso) continue;
    }
    const key = record.kind === 'exceedance' ? `alert:${text(record.facts, 'alertId')}` : record.kind === 'case' ? `case:${text(record.facts, 'caseId')}` : record.id;
    const group = groups.get(key);
    if (group) group.push(record);
    else groups.set(key, [record]);
  }
  for (const [key, group] of groups) {
    const first = group[0] as LedgerRecord;
    const kind = first.kind as EvidenceKind;
    const recordIds = group.map((record) => record.id);
    if (kind === 'exceedance') {
      const openedAt = new Date(text(first.facts, 'openedAt') || first.occurredAt.toISOString());
      const lastChange = Math.max(...group.map((record) => new Date(text(record.facts, 'changedAt') || record.occurredAt.toISOString()).getTime()));
      items.push({
        kind,
        key,
        recordIds,
        occurredAt: openedAt,
        measures: { multiple: Math.max(...group.map((record) => number(record.facts, 'multiple'))), durationHours: round(Math.max(0, lastChange - openedAt.getTime()) / HOUR_MS, 4) },
        labels: { state: text(([...group].sort((a, b) => number(a.facts, 'alertSequence') - number(b.facts, 'alertSequence')).at(-1) as LedgerRecord).facts, 'state') },
      });
    } else if (kind === 'case') {
      const createdAt = new Date(text(first.facts, 'createdAt') || first.occurredAt.toISOString());
      const verified = group.filter((record) => ['verified', 'closed'].includes(text(record.facts, 'status'))).sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())[0];
      const item: EvidenceItem = { kind, key, recordIds, occurredAt: createdAt, measures: {}, labels: { status: verified ? 'verified' : 'open', source: text(first.facts, 'source') } };
      if (verified) {
        item.verifiedAt = verified.occurredAt;
        item.measures.rectificationDays = round((verified.occurredAt.getTime() - createdAt.getTime()) / DAY_MS, 4);
      }
      items.push(item);
    } else {
      const item: EvidenceItem = { kind, key, recordIds, occurredAt: first.occurredAt, measures: {}, labels: {} };
      if (kind === 'penalty') item.measures.amountYuan = number(first.facts, 'amountYuan');
      if (kind === 'monitoring_completeness') item.measures.percent = number(first.facts, 'percent');
      if (kind === 'inspection') item.labels.violation = first.facts.violationFound === true ? 'yes' : 'no';
      if (kind === 'veto_event') item.labels.vetoCode = text(first.facts, 'vetoCode');
      items.push(item);
    }
  }
  return items.filter((item) => inPeriod(period, item.occurredAt));
}
