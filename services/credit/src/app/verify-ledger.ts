import { verifyChain } from '../domain/ledger';
import type { CreditRuntime } from './runtime';

export interface BrokenLink {
  uscc: string;
  sequence: number;
  recordId: string;
  reason: string;
}

/** Walks every enterprise's chain (or one) and names each record that no longer holds. */
export function createVerifyLedger(runtime: CreditRuntime) {
  return async (uscc?: string): Promise<{ intact: boolean; records: number; broken: BrokenLink[] }> => {
    const broken: BrokenLink[] = [];
    let records = 0;
    const check = (chain: Awaited<ReturnType<typeof runtime.store.records>>): void => {
      records += chain.length;
      const verdict = verifyChain(chain);
      const first = chain[0];
      if (!verdict.intact && verdict.firstBroken && first) broken.push({ uscc: first.uscc, sequence: verdict.firstBroken.sequence, recordId: `${first.uscc}/${verdict.firstBroken.sequence}`, reason: verdict.firstBroken.reason });
    };
    if (uscc) check(await runtime.store.records(uscc));
    else for await (const chain of runtime.store.chains()) check(chain);
    return { intact: broken.length === 0, records, broken };
  };
}
