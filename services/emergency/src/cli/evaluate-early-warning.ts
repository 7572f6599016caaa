import { checkEarlyWarningPolicy } from '../domain/early-warning/early-warning-policy';
import { DEFAULT_REPLAY_OPTIONS, formatReplayReport, runEarlyWarningReplay, type ReplayOptions } from './early-warning-replay';

/**
 * `pnpm --filter @ecogrid/emergency early-warning:evaluate [--days N] [--seeds 1,2,3] [--min-lead M] [--json]`:
 * prints the hit rate, false-alarm rate and lead times of the early warning on the replayed series.
 */
function parseArguments(argv: readonly string[]): { options: ReplayOptions; json: boolean } {
  let options: ReplayOptions = DEFAULT_REPLAY_OPTIONS;
  let json = false;
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = argv[index + 1];
    if (flag === '--json') json = true;
    else if (flag === '--days' && value) options = { ...options, days: Number((index++, value)) };
    else if (flag === '--seeds' && value) options = { ...options, seeds: (index++, value).split(',').map(Number) };
    else if (flag === '--min-lead' && value) options = { ...options, minLeadMinutes: Number((index++, value)) };
    else throw new Error(`unknown or incomplete argument: ${flag ?? ''}`);
  }
  if (!(options.days > 0) || options.seeds.some((seed) => !Number.isFinite(seed)) || !(options.minLeadMinutes >= 0)) throw new Error('--days must be > 0, --seeds numbers, --min-lead ≥ 0');
  const problems = checkEarlyWarningPolicy(options.policy);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return { options, json };
}

const { options, json } = parseArguments(process.argv.slice(2));
const results = runEarlyWarningReplay(options);
process.stdout.write(`${json ? JSON.stringify(results, null, 2) : formatReplayReport(results, options)}\n`);
