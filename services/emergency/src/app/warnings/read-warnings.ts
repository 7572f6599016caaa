import { notFound } from '@ecogrid/domain-errors';
import type { EpisodeEvaluation } from '../../domain/warnings/episode-evaluation';
import type { Obligation } from '../../domain/warnings/obligation';
import type { Warning } from '../../domain/warnings/warning';
import { chinaYear } from './apply-transition';
import type { ObligationFilter, ReductionList, WarningDependencies } from './ports';

const MAX_PAGE = 200;

/** Warnings, obligations, evaluations and the reduction list, as staff read them. */
export function createReadWarnings(deps: WarningDependencies) {
  return {
    getWarning: async (warningId: string): Promise<Warning> => {
      const warning = await deps.store.getWarning(warningId);
      if (!warning) throw notFound('warning', warningId);
      return warning;
    },
    listWarnings: (page: { pageSize: number; pageToken: string }) => deps.store.listWarnings({ size: Math.min(MAX_PAGE, page.pageSize > 0 ? page.pageSize : 50), ...(page.pageToken ? { after: page.pageToken } : {}) }),
    listObligations: async (filter: ObligationFilter): Promise<Obligation[]> => {
      if (!(await deps.store.getWarning(filter.warningId))) throw notFound('warning', filter.warningId);
      return deps.store.listObligations(filter);
    },
    getEvaluation: async (warningId: string): Promise<EpisodeEvaluation> => {
      const evaluation = await deps.store.evaluation(warningId);
      if (!evaluation) throw notFound('episode evaluation of warning', warningId);
      return evaluation;
    },
    getReductionList: async (year: number): Promise<ReductionList> => {
      const wanted = year > 0 ? year : chinaYear(deps.clock.now());
      const list = await deps.store.reductionList(wanted);
      if (!list) throw notFound('reduction list of year', String(wanted));
      return list;
    },
  };
}
