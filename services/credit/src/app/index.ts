import { createHandleAlertChanged } from './handle-alert-changed';
import { createHandleCaseChanged } from './handle-case-changed';
import { createRecordEvidence, createRecordPenalty } from './record-manual-evidence';
import { createFileObjection, createResolveObjection } from './objections';
import { createApplyRestoration, createReviewRestoration } from './restoration';
import { createExplainRating, createGetRating, createListPublicRatings, createListRatings } from './read-ratings';
import { createClosePeriod } from './close-period';
import { createVerifyLedger } from './verify-ledger';
import { createRebuildRatings, createRerateAll } from './rebuild-ratings';
import type { CreditRuntime } from './runtime';

/** Every use case of credit over the same ports. Adapters see these and nothing else. */
export function createCreditApp(runtime: CreditRuntime) {
  return {
    handleAlertChanged: createHandleAlertChanged(runtime),
    handleCaseChanged: createHandleCaseChanged(runtime),
    recordPenalty: createRecordPenalty(runtime),
    recordEvidence: createRecordEvidence(runtime),
    fileObjection: createFileObjection(runtime),
    resolveObjection: createResolveObjection(runtime),
    applyRestoration: createApplyRestoration(runtime),
    reviewRestoration: createReviewRestoration(runtime),
    getRating: createGetRating(runtime),
    listRatings: createListRatings(runtime),
    explainRating: createExplainRating(runtime),
    listPublicRatings: createListPublicRatings(runtime),
    closePeriod: createClosePeriod(runtime),
    verifyLedger: createVerifyLedger(runtime),
    rebuildRatings: createRebuildRatings(runtime),
    rerateAll: createRerateAll(runtime),
  };
}

export type CreditApp = ReturnType<typeof createCreditApp>;
export type { CreditRuntime } from './runtime';
export type { AlertInput } from './handle-alert-changed';
export type { CaseInput } from './handle-case-changed';
export type { StoredRating, EnterpriseDirectory, CreditStore, CreditTransaction } from './ports';
export type { Actor } from './staff';
