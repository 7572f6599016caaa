import type { LedgerRecord } from '../../domain/ledger';
import type { CreditStore, CreditTransaction, Objection, RatingPage, RestorationApplication, StoredRating } from '../ports';

const DECISIONS = new Set(['objection_filed', 'objection_resolved', 'restoration_applied', 'restoration_reviewed']);

interface State {
  ledger: LedgerRecord[];
  heads: Map<string, { sequence: number; hash: string }>;
  ratings: Map<string, StoredRating>;
  periodRatings: Map<string, StoredRating>;
  closed: Set<string>;
  objections: Map<string, Objection>;
  applications: Map<string, RestorationApplication>;
  /** What the outbox would have sent. */
  published: StoredRating[];
}

const copy = (state: State): State => ({
  ledger: [...state.ledger],
  heads: new Map(state.heads),
  ratings: new Map(state.ratings),
  periodRatings: new Map(state.periodRatings),
  closed: new Set(state.closed),
  objections: new Map([...state.objections].map(([id, objection]) => [id, { ...objection }])),
  applications: new Map([...state.applications].map(([id, application]) => [id, { ...application }])),
  published: [...state.published],
});

const page = (ratings: StoredRating[], size: number, token: string): RatingPage => {
  const after = ratings.filter((rating) => rating.uscc > token).sort((a, b) => a.uscc.localeCompare(b.uscc));
  const slice = after.slice(0, size);
  return { ratings: slice, nextPageToken: after.length > size ? (slice.at(-1)?.uscc ?? '') : '' };
};

/** The store in memory, for unit tests of the use cases: transactions run one at a time and roll back on a throw. */
export function createInMemoryCreditStore(): CreditStore & { readonly published: StoredRating[]; readonly ledger: LedgerRecord[] } {
  let state: State = { ledger: [], heads: new Map(), ratings: new Map(), periodRatings: new Map(), closed: new Set(), objections: new Map(), applications: new Map(), published: [] };
  let queue: Promise<unknown> = Promise.resolve();
  const chainOf = (uscc: string): LedgerRecord[] => state.ledger.filter((record) => record.uscc === uscc).sort((a, b) => a.sequence - b.sequence);

  const tx: CreditTransaction = {
    lockEnterprise: async (uscc) => state.heads.get(uscc),
    hasSource: async (id) => state.ledger.some((record) => record.sourceEventId === id),
    append: async (records) => {
      for (const record of records) {
        if (state.ledger.some((existing) => existing.sourceEventId === record.sourceEventId)) throw new Error(`duplicate source ${record.sourceEventId}`);
        state.ledger.push(record);
        state.heads.set(record.uscc, { sequence: record.sequence, hash: record.hash });
      }
    },
    records: async (uscc, options) => chainOf(uscc).filter((record) => !options?.since || record.occurredAt >= options.since || DECISIONS.has(record.kind)),
    currentRating: async (uscc) => state.ratings.get(uscc),
    saveRating: async (rating, publish) => {
      state.ratings.set(rating.uscc, rating);
      if (publish) state.published.push(rating);
    },
    insertObjection: async (objection) => {
      if ([...state.objections.values()].some((existing) => existing.recordId === objection.recordId && existing.status === 'pending')) throw new Error('unique violation');
      state.objections.set(objection.id, { ...objection });
    },
    objection: async (id) => state.objections.get(id),
    resolveObjection: async (id, status) => {
      const objection = state.objections.get(id);
      if (objection) objection.status = status;
    },
    insertApplication: async (application) => void state.applications.set(application.id, { ...application }),
    application: async (id) => state.applications.get(id),
    reviewApplication: async (id, status) => {
      const application = state.applications.get(id);
      if (application) application.status = status;
    },
    closePeriod: async (period) => {
      if (state.closed.has(period)) return false;
      state.closed.add(period);
      return true;
    },
    freezeRating: async (rating) => {
      state.periodRatings.set(`${rating.period}/${rating.uscc}`, rating);
      state.published.push(rating);
    },
  };

  return {
    get published() {
      return state.published;
    },
    get ledger() {
      return state.ledger;
    },
    transaction: <T>(work: (transaction: CreditTransaction) => Promise<T>): Promise<T> => {
      const run = queue.then(async () => {
        const before = copy(state);
        try {
          return await work(tx);
        } catch (error) {
          state = before;
          throw error;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
    rating: async (uscc) => state.ratings.get(uscc),
    listRatings: async (filter) => page([...state.ratings.values()].filter((rating) => !filter.colour || rating.colour === filter.colour), filter.pageSize, filter.pageToken),
    periodRatings: async (period, filter) => page([...state.periodRatings.values()].filter((rating) => rating.period === period), filter.pageSize, filter.pageToken),
    isClosed: async (period) => state.closed.has(period),
    records: async (uscc) => chainOf(uscc),
    chains: async function* () {
      for (const uscc of [...state.heads.keys()].sort()) yield chainOf(uscc);
    },
    allRatings: async () => new Map(state.ratings),
    enterprisesWithRecords: async () => [...state.heads.keys()].sort(),
  };
}
