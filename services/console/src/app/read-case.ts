import { allowedActions, type OfferedAction } from '../domain/case-actions';
import type { CaseDetail, HistoryCheck } from '../domain/case-view';
import type { StaffUser } from '../domain/staff-user';
import type { CaseService } from './ports';

export interface CasePage extends CaseDetail {
  allowedActions: OfferedAction[];
  historyCheck: HistoryCheck;
}

/** A case as its page shows it: dispatch's record, whether its history chain holds, and what this user may do next. */
export function createReadCase(cases: CaseService) {
  return async function readCase(user: StaffUser, caseId: string): Promise<CasePage> {
    const [detail, historyCheck] = await Promise.all([cases.get(user, caseId), cases.verifyHistory(user, caseId)]);
    return { ...detail, historyCheck, allowedActions: allowedActions(user, detail.case) };
  };
}
