/** The case statuses of dispatch's closed loop, as the web app names them. */
export const CASE_STATUSES = ['registered', 'dispatched', 'accepted', 'on_site', 'handled', 'verified', 'closed', 'returned', 'suspended', 'merged'] as const;
export type CaseStatusName = (typeof CASE_STATUSES)[number];

export interface CaseSummary {
  id: string;
  status: CaseStatusName;
  source: string;
  priority: string;
  caseType: string;
  title: string;
  description: string;
  cellId: string;
  townshipCode: string;
  assigneeOfficerId: string;
  deviceMn: string;
  factorCode: string;
  enterpriseUscc: string;
  alertIds: string[];
  lon: number | null;
  lat: number | null;
  address: string;
  createdAt: string | null;
  deadline: string | null;
  closedAt: string | null;
  overdue: boolean;
  version: number;
}

export interface HistoryEntryView {
  sequence: number;
  action: string;
  actor: string;
  occurredAt: string | null;
  note: string;
  fromStatus: CaseStatusName | null;
  toStatus: CaseStatusName | null;
  hash: string;
}

export interface EvidenceView {
  id: string;
  kind: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  addedBy: string;
  addedAt: string | null;
  lon: number | null;
  lat: number | null;
  referenceId: string;
}

export interface HistoryCheck {
  intact: boolean;
  entries: number;
  firstBrokenSequence: number | null;
  firstBrokenReason: string;
}

export interface CaseDetail {
  case: CaseSummary;
  history: HistoryEntryView[];
  evidence: EvidenceView[];
}
