import { createActOnCase } from './act-on-case';
import { createAttachEvidence, createLinkEvidence } from './attach-evidence';
import { createComputeKpis } from './compute-kpis';
import { createCreateCase } from './create-case';
import { createFireDueTimers } from './fire-due-timers';
import { createHandleAlertChanged } from './handle-alert-changed';
import { createHandleEmergencyCaseRequest } from './handle-emergency-case-request';
import { createGetCase, createListCases } from './read-cases';
import { createReadEvidenceContent } from './read-evidence-content';
import { createReadOpen311Catalogue } from './read-open311-catalogue';
import type { DispatchRuntime } from './runtime';
import { createReadComplaint, createReadComplaints, createSubmitComplaint } from './submit-complaint';
import { createVerifyHistory } from './verify-history';

/**
 * Every use case of dispatch, built over the same ports. Adapters see these and nothing else: the ports, the clock
 * and the policy stay behind them.
 */
export function createDispatchApp(runtime: DispatchRuntime, options: { evidenceMaxBytes: number }) {
  return {
    createCase: createCreateCase(runtime),
    getCase: createGetCase(runtime),
    listCases: createListCases(runtime),
    actOnCase: createActOnCase(runtime),
    attachEvidence: createAttachEvidence(runtime, { maxBytes: options.evidenceMaxBytes }),
    linkEvidence: createLinkEvidence(runtime),
    readEvidenceContent: createReadEvidenceContent(runtime),
    verifyHistory: createVerifyHistory(runtime),
    kpis: createComputeKpis(runtime),
    submitComplaint: createSubmitComplaint(runtime),
    readComplaints: createReadComplaints(runtime),
    readComplaint: createReadComplaint(runtime),
    readOpen311Catalogue: createReadOpen311Catalogue(runtime),
    handleAlertChanged: createHandleAlertChanged(runtime),
    handleEmergencyCaseRequest: createHandleEmergencyCaseRequest(runtime),
    fireDueTimers: createFireDueTimers(runtime),
  };
}

export type DispatchApp = ReturnType<typeof createDispatchApp>;
export type { DispatchRuntime } from './runtime';
