import { createActOnCase } from './act-on-case';
import { createAttachEvidence, createLinkEvidence } from './attach-evidence';
import { createComputeKpis } from './compute-kpis';
import { createCreateCase } from './create-case';
import { createFireDueTimers } from './fire-due-timers';
import { createHandleAlertChanged } from './handle-alert-changed';
import { createGetCase, createListCases } from './read-cases';
import type { DispatchRuntime } from './runtime';
import { createReadComplaint, createReadComplaints, createSubmitComplaint } from './submit-complaint';
import { createVerifyHistory } from './verify-history';

/** Every use case of dispatch, built over the same ports. */
export function createDispatchApp(runtime: DispatchRuntime, options: { evidenceMaxBytes: number }) {
  return {
    runtime,
    createCase: createCreateCase(runtime),
    getCase: createGetCase(runtime),
    listCases: createListCases(runtime),
    actOnCase: createActOnCase(runtime),
    attachEvidence: createAttachEvidence(runtime, { maxBytes: options.evidenceMaxBytes }),
    linkEvidence: createLinkEvidence(runtime),
    verifyHistory: createVerifyHistory(runtime),
    kpis: createComputeKpis(runtime),
    submitComplaint: createSubmitComplaint(runtime),
    readComplaints: createReadComplaints(runtime),
    readComplaint: createReadComplaint(runtime),
    handleAlertChanged: createHandleAlertChanged(runtime),
    fireDueTimers: createFireDueTimers(runtime),
  };
}

export type DispatchApp = ReturnType<typeof createDispatchApp>;
export type { DispatchRuntime } from './runtime';
