import type pg from 'pg';
import { OPEN_STATUSES, type Step } from '../../domain/case';
import type { GroupFigures, KpiFilter, Kpis, OverdueItem, StepFigures } from '../../domain/kpis';

/** Which history entry completes a step (anything else ending it abandons it: reassigned, returned, merged…). */
const COMPLETED_BY: Record<Step, readonly string[]> = {
  accept: ['accepted'],
  arrive: ['arrived'],
  handle: ['resolved'],
  verify: ['verified', 'reworked'],
};

/**
 * The KPIs in one SQL statement over the case histories of the period (never over counters that can drift), so the
 * database aggregates and only the figures travel: no history is loaded into the service. Entry snapshots
 * (`details.state`) say each case's step, its start and deadline, assignee and township after every change.
 *
 * - a step instance is a run of consecutive entries with the same (step, stepStartedAt), suspension and resumption
 *   entries aside; it ends at the next entry, completed when that entry's action completes the step, late when it
 *   ends after its last deadline (a resumption moves the deadline); pauses inside it do not count as its duration;
 * - a case is closed in the period when its closing entry (to `closed` from another status) lies in it and no
 *   reopening followed; on time when none of its ended step instances was late; its handling time is registration
 *   to closure minus pauses;
 * - drill cases (`cases.drill`) are left out of every figure: a drill's timings are the drill report's, not the KPIs';
 * - township and officer are those of the closure (the officer who resolved it), else of the last entry of the
 *   period; backlog counts cases open at the end of the period; overdue lists open cases past their step deadline
 *   now. Percentiles are `percentile_cont` (linear interpolation between ranks).
 */
const KPI_SQL = `
WITH params AS (SELECT $1::timestamptz AS period_from, $2::timestamptz AS period_to, $3::timestamptz AS now_at, $4::text AS township_filter, $5::text AS officer_filter),
-- Drill cases (演练) run the whole loop but never count: excluded here, they reach no figure below.
touched AS (
  SELECT c.id FROM cases c, params p WHERE NOT c.drill AND c.created_at < p.period_to AND (c.status NOT IN ('closed', 'merged') OR c.updated_at >= p.period_from)
),
entries AS (
  SELECT h.case_id, h.sequence, h.action, h.occurred_at, h.from_status, h.to_status,
         nullif(h.details #>> '{state,step}', '') AS step,
         nullif(h.details #>> '{state,stepStartedAt}', '') AS started_iso,
         (nullif(h.details #>> '{state,stepDeadline}', ''))::timestamptz AS deadline,
         nullif(h.details #>> '{state,assignee}', '') AS assignee,
         nullif(h.details #>> '{state,township}', '') AS township,
         coalesce((h.details #>> '{state,escalationLevel}')::int, 0) AS escalation,
         h.action IN ('suspended', 'resumed') AS is_pause,
         h.occurred_at <= p.period_to AS in_period
  FROM case_history h JOIN touched t ON t.id = h.case_id, params p
),
period AS (SELECT * FROM entries WHERE in_period),
-- Each resumption closes the pause its suspension opened.
pauses AS (
  SELECT case_id, sequence, occurred_at,
         extract(epoch FROM occurred_at - (SELECT max(s.occurred_at) FROM period s WHERE s.case_id = r.case_id AND s.action = 'suspended' AND s.sequence < r.sequence)) AS paused_s,
         deadline
  FROM period r WHERE action = 'resumed'
),
-- Runs of (step, start) over the entries that are not pauses.
marked AS (
  SELECT *, CASE WHEN (step, started_iso) IS DISTINCT FROM (lag(step) OVER w, lag(started_iso) OVER w) THEN 1 ELSE 0 END AS boundary
  FROM period WHERE NOT is_pause
  WINDOW w AS (PARTITION BY case_id ORDER BY sequence)
),
runs AS (SELECT *, sum(boundary) OVER (PARTITION BY case_id ORDER BY sequence) AS run FROM marked),
run_bounds AS (
  SELECT case_id, run, min(sequence) AS first_seq, max(step) AS step, max(started_iso) AS started_iso
  FROM runs GROUP BY case_id, run
),
instances AS (
  SELECT b.case_id, b.step, b.started_iso::timestamptz AS started_at, e.sequence AS end_seq, e.occurred_at AS ended_at,
         e.action = ANY (CASE b.step WHEN 'accept' THEN $6::text[] WHEN 'arrive' THEN $7::text[] WHEN 'handle' THEN $8::text[] ELSE $9::text[] END) AS completed,
         coalesce((SELECT sum(paused_s) FROM pauses pa WHERE pa.case_id = b.case_id AND pa.sequence > b.first_seq AND pa.sequence < e.sequence), 0) AS paused_s,
         coalesce(
           (SELECT x.deadline FROM period x WHERE x.case_id = b.case_id AND x.sequence >= b.first_seq AND x.sequence < e.sequence AND x.deadline IS NOT NULL
              AND (x.action = 'resumed' OR (NOT x.is_pause AND x.step = b.step AND x.started_iso = b.started_iso)) ORDER BY x.sequence DESC LIMIT 1),
           b.started_iso::timestamptz) AS deadline
  FROM run_bounds b
  JOIN LATERAL (SELECT n.sequence, n.occurred_at, n.action FROM runs n WHERE n.case_id = b.case_id AND n.run = b.run + 1 ORDER BY n.sequence LIMIT 1) e ON true
  WHERE b.step IS NOT NULL AND b.started_iso IS NOT NULL
),
closing AS (
  SELECT DISTINCT ON (case_id) case_id, sequence, occurred_at AS closed_at, township AS closed_township
  FROM period WHERE to_status = 'closed' AND from_status IS DISTINCT FROM 'closed' ORDER BY case_id, sequence DESC
),
facts AS (
  SELECT f.case_id, f.created_at, l.to_status AS last_status, l.township AS last_township, l.assignee AS last_assignee,
         CASE WHEN cl.case_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM period ro WHERE ro.case_id = f.case_id AND ro.sequence > cl.sequence AND ro.from_status = 'closed' AND ro.to_status <> 'closed')
              THEN cl.closed_at END AS closed_at,
         cl.closed_township,
         (SELECT r.assignee FROM period r WHERE r.case_id = f.case_id AND r.action = 'resolved' ORDER BY r.sequence DESC LIMIT 1) AS handler,
         coalesce((SELECT sum(paused_s) FROM pauses pa WHERE pa.case_id = f.case_id), 0) AS paused_s,
         NOT EXISTS (SELECT 1 FROM instances i WHERE i.case_id = f.case_id AND i.ended_at > i.deadline) AS on_time
  FROM (SELECT case_id, min(occurred_at) AS created_at FROM period GROUP BY case_id) f
  JOIN LATERAL (SELECT * FROM period x WHERE x.case_id = f.case_id ORDER BY x.sequence DESC LIMIT 1) l ON true
  LEFT JOIN closing cl ON cl.case_id = f.case_id
),
scoped AS (
  SELECT facts.*, coalesce(closed_township, last_township) AS township, coalesce(handler, last_assignee) AS officer,
         closed_at IS NOT NULL AND closed_at >= p.period_from AND closed_at < p.period_to AND last_status <> 'merged' AS closed_in_period,
         last_status = ANY ($10::text[]) AS open_at_end
  FROM facts, params p
  WHERE (p.township_filter IS NULL OR coalesce(closed_township, last_township) = p.township_filter)
    AND (p.officer_filter IS NULL OR coalesce(handler, last_assignee) = p.officer_filter OR last_assignee = p.officer_filter)
),
latest AS (
  SELECT DISTINCT ON (e.case_id) e.* FROM entries e JOIN scoped s ON s.case_id = e.case_id ORDER BY e.case_id, e.sequence DESC
),
groups AS (
  SELECT 'township' AS kind, township AS key, closed_in_period, on_time, false AS backlog FROM scoped WHERE closed_in_period AND township IS NOT NULL
  UNION ALL SELECT 'township', last_township, false, false, true FROM scoped WHERE open_at_end AND last_township IS NOT NULL
  UNION ALL SELECT 'officer', officer, closed_in_period, on_time, false FROM scoped WHERE closed_in_period AND officer IS NOT NULL
  UNION ALL SELECT 'officer', last_assignee, false, false, true FROM scoped WHERE open_at_end AND last_assignee IS NOT NULL
)
SELECT json_build_object(
  'closed', (SELECT count(*) FROM scoped WHERE closed_in_period),
  'closedOnTime', (SELECT count(*) FROM scoped WHERE closed_in_period AND on_time),
  'backlog', (SELECT count(*) FROM scoped WHERE open_at_end),
  'medianHandling', (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - created_at) - paused_s) FROM scoped WHERE closed_in_period),
  'p90Handling', (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - created_at) - paused_s) FROM scoped WHERE closed_in_period),
  'groups', (SELECT coalesce(json_agg(g ORDER BY g.kind, g.key), '[]') FROM (
      SELECT kind, key, count(*) FILTER (WHERE closed_in_period) AS closed, count(*) FILTER (WHERE closed_in_period AND on_time) AS closed_on_time, count(*) FILTER (WHERE backlog) AS backlog
      FROM groups GROUP BY kind, key) g),
  'steps', (SELECT coalesce(json_agg(st), '[]') FROM (
      SELECT i.step, count(*) AS completed, count(*) FILTER (WHERE i.ended_at > i.deadline) AS late,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM i.ended_at - i.started_at) - i.paused_s) AS median,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM i.ended_at - i.started_at) - i.paused_s) AS p90
      FROM instances i JOIN scoped s ON s.case_id = i.case_id, params p
      WHERE i.completed AND i.ended_at >= p.period_from AND i.ended_at < p.period_to GROUP BY i.step) st),
  'overdue', (SELECT coalesce(json_agg(o ORDER BY o.deadline, o.case_id), '[]') FROM (
      SELECT l.case_id, l.step, l.deadline, l.assignee, l.township, l.escalation FROM latest l, params p
      WHERE l.to_status = ANY ($10::text[]) AND l.to_status <> 'suspended' AND l.step IS NOT NULL AND l.deadline IS NOT NULL AND l.deadline < p.now_at) o)
) AS kpis`;

interface KpiRow {
  closed: number;
  closedOnTime: number;
  backlog: number;
  medianHandling: number | null;
  p90Handling: number | null;
  groups: Array<{ kind: 'township' | 'officer'; key: string; closed: number; closed_on_time: number; backlog: number }>;
  steps: Array<{ step: Step; completed: number; late: number; median: number | null; p90: number | null }>;
  overdue: Array<{ case_id: string; step: Step; deadline: string; assignee: string | null; township: string | null; escalation: number }>;
}

const STEPS: readonly Step[] = ['accept', 'arrive', 'handle', 'verify'];
const rate = (closed: number, onTime: number): number | null => (closed === 0 ? null : onTime / closed);

/** The KPI query on PostgreSQL: one statement, figures only. */
export function createPgKpiQuery(pool: pg.Pool): (filter: KpiFilter) => Promise<Kpis> {
  return async (filter) => {
    const { rows } = await pool.query<{ kpis: KpiRow }>(KPI_SQL, [
      filter.from,
      filter.to,
      filter.now,
      filter.townshipCode ?? null,
      filter.officerId ?? null,
      COMPLETED_BY.accept,
      COMPLETED_BY.arrive,
      COMPLETED_BY.handle,
      COMPLETED_BY.verify,
      [...OPEN_STATUSES],
    ]);
    const row = rows[0]?.kpis as KpiRow;
    const group = (kind: 'township' | 'officer'): GroupFigures[] =>
      row.groups
        .filter((figures) => figures.kind === kind)
        .map((figures) => ({ key: figures.key, closed: figures.closed, closedOnTime: figures.closed_on_time, onTimeRate: rate(figures.closed, figures.closed_on_time), backlog: figures.backlog }));
    const steps: StepFigures[] = STEPS.map((step) => {
      const found = row.steps.find((figures) => figures.step === step);
      return { step, completed: found?.completed ?? 0, completedLate: found?.late ?? 0, medianSeconds: found?.median ?? null, p90Seconds: found?.p90 ?? null };
    });
    const overdueCases: OverdueItem[] = row.overdue.map((item) => ({
      caseId: item.case_id,
      step: item.step,
      deadline: new Date(item.deadline),
      escalationLevel: item.escalation,
      ...(item.assignee ? { assignee: item.assignee } : {}),
      ...(item.township ? { township: item.township } : {}),
    }));
    return {
      onTimeRate: rate(row.closed, row.closedOnTime),
      closed: row.closed,
      closedOnTime: row.closedOnTime,
      backlog: row.backlog,
      overdue: overdueCases.length,
      medianHandlingSeconds: row.medianHandling,
      p90HandlingSeconds: row.p90Handling,
      townships: group('township'),
      officers: group('officer'),
      steps,
      overdueCases,
    };
  };
}
