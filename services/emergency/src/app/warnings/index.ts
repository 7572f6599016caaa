import { createChangeWarningLevel } from './change-warning-level';
import { createCheckCompliance } from './check-compliance';
import { createEvaluateAqiTriggers } from './evaluate-aqi-triggers';
import { createImportReductionList } from './import-reduction-list';
import { createIssueWarning, createRaiseWarningUnlessCovered } from './issue-warning';
import { createLiftWarning } from './lift-warning';
import { createReadWarnings } from './read-warnings';
import { createRecordAqiForecast, createRecordAqiHour } from './record-aqi';
import { createRecordReading } from './record-reading';
import type { WarningDependencies } from './ports';

export { createPruneWarningInputs, type InputRetention } from './prune-warning-inputs';
export type { Actor, CaseRequest, EnterpriseDirectory, EnterpriseHour, EnterpriseReading, ReductionList, WarningEvent, WarningStore, WarningTransaction } from './ports';
export type { ObservationInput } from './record-reading';

/** The warnings part's use cases, one per file. */
export function createWarningsApp(deps: WarningDependencies) {
  const recordReading = createRecordReading(deps);
  const checkCompliance = createCheckCompliance(deps);
  const issueWarning = createIssueWarning(deps);
  const evaluateTriggers = createEvaluateAqiTriggers({ ...deps, raiseWarning: createRaiseWarningUnlessCovered(deps) });
  return {
    importReductionList: createImportReductionList({ ...deps, onImported: () => recordReading.forgetListed() }),
    issueWarning,
    changeWarningLevel: createChangeWarningLevel(deps),
    liftWarning: createLiftWarning({ ...deps, checkCompliance }),
    recordAqiHour: createRecordAqiHour({ ...deps, evaluateTriggers }),
    recordAqiForecast: createRecordAqiForecast({ ...deps, evaluateTriggers }),
    recordReading,
    checkCompliance,
    ...createReadWarnings(deps),
  };
}

export type WarningsApp = ReturnType<typeof createWarningsApp>;
