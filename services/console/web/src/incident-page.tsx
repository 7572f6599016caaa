import { useCallback, useEffect, useState } from 'preact/hooks';
import { emergencyApi, type IncidentPage } from './emergency-api';
import { DrillMark, explainEmergency } from './emergency-page';
import { formatTime, t } from './i18n';
import { onLive } from './live';

const metres = (value: number): string => `${Math.round(value).toLocaleString()} m`;

/** The registry's target kind in words; a kind the dictionary does not know yet is shown as the registry names it. */
const kindName = (kind: string): string => {
  const name = t(`em.targetKind.${kind}`);
  return name === `em.targetKind.${kind}` ? kind : name;
};

const textOf = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

/** What a timeline row adds in words: the exceedance that proposed it, the level declared, the task and its case, a note. */
function stepNote(step: string, details: Record<string, unknown>): string {
  if (step === 'proposed') return [textOf(details.station), textOf(details.factor), details.value !== undefined ? `${textOf(details.value)} / ${textOf(details.limit)}` : ''].filter(Boolean).join(' · ');
  if (step === 'declared') return details.level ? t(`em.incidentLevel.${textOf(details.level).toLowerCase()}`) : '';
  if (step === 'plan_activated') return textOf(details.plan);
  return [textOf(details.title), textOf(details.department), textOf(details.caseId), textOf(details.note), textOf(details.reason)].filter(Boolean).join(' · ');
}

/** One incident: facts, the actions this user may take, impact (targets and resources nearest first), plan, tasks and cases, the verified timeline. */
export function IncidentView(props: { incidentId: string }) {
  const [page, setPage] = useState<IncidentPage | undefined>();
  const [message, setMessage] = useState('');
  const [level, setLevel] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const next = await emergencyApi.incident(props.incidentId);
      setPage(next);
      setLevel((current) => current || next.incident.level || 'iv');
    } catch (error) {
      setPage(undefined);
      setMessage(explainEmergency(error, 'em.incidentNotFound'));
    }
  }, [props.incidentId]);

  useEffect(() => {
    void load();
    const stops = [
      onLive('incident', (data) => {
        if (data.id === props.incidentId) void load();
      }),
      // A task case changing moves the task's stage on the timeline.
      onLive('case', () => void load()),
    ];
    return () => stops.forEach((stop) => stop());
  }, [load, props.incidentId]);

  if (!page) return <section class="case-page">{message && <p role="alert" class="error">{message}</p>}</section>;
  const incident = page.incident;
  const analysis = incident.analysis;

  const act = async (action: string) => {
    setBusy(true);
    setMessage('');
    try {
      await emergencyApi.actOnIncident(incident.id, {
        action,
        ...(action === 'declare' ? { level, expectedVersion: incident.version } : {}),
        ...(note && (action === 'dismiss' || action === 'close') ? { note } : {}),
      });
      setNote('');
    } catch (error) {
      setMessage(explainEmergency(error, 'em.incidentNotFound'));
    } finally {
      setBusy(false);
      await load();
    }
  };

  const check = page.timelineCheck;
  return (
    <section class="case-page incident-page" aria-labelledby="incident-title">
      <p>
        <a href="#/emergency">{t('back')}</a>
      </p>
      <h1 id="incident-title">
        <DrillMark drill={incident.drill} /> {incident.title || incident.id}
      </h1>
      <dl class="facts">
        <dt>{t('status')}</dt>
        <dd data-testid="incident-status">{t(`em.incidentStatus.${incident.status}`)}</dd>
        <dt>{t('em.kind')}</dt>
        <dd>{t(`em.kind.${incident.kind}`)}</dd>
        <dt>{t('em.level')}</dt>
        <dd data-testid="incident-level">{t(`em.incidentLevel.${incident.level}`)}</dd>
        <dt>{t('em.summary')}</dt>
        <dd>{incident.summary || '—'}</dd>
        <dt>{t('em.stations')}</dt>
        <dd>{incident.stationMns.length > 0 ? incident.stationMns.join(', ') : '—'} {incident.factorCode}</dd>
        <dt>{t('em.location')}</dt>
        <dd>
          {incident.location ? `${incident.location.lon.toFixed(5)}, ${incident.location.lat.toFixed(5)}` : '—'}{' '}
          {incident.cellId && <a href={`#/map/${encodeURIComponent(incident.cellId)}`}>{incident.cellId}</a>}
        </dd>
        <dt>{t('em.proposedAt')}</dt>
        <dd>{formatTime(incident.proposedAt)}</dd>
        <dt>{t('em.declaredAt')}</dt>
        <dd>
          {formatTime(incident.declaredAt)} {incident.declaredBy && `· ${t('em.declaredBy')} ${incident.declaredBy}`}
        </dd>
        <dt>{t('em.recoveredSince')}</dt>
        <dd>{formatTime(incident.recoveredSince)}</dd>
      </dl>

      {message && <p role="alert" class="error">{message}</p>}

      {page.allowedActions.length > 0 && (
        <div class="actions" aria-label={t('actions')}>
          {page.allowedActions.includes('declare') && (
            <label>
              {t('em.declareLevel')}
              <select name="level" value={level} onChange={(event) => setLevel(event.currentTarget.value)}>
                {['i', 'ii', 'iii', 'iv'].map((name) => <option value={name} key={name}>{t(`em.incidentLevel.${name}`)}</option>)}
              </select>
            </label>
          )}
          {(page.allowedActions.includes('dismiss') || page.allowedActions.includes('close')) && (
            <label>
              {t('em.actionNote')}
              <textarea name="note" value={note} rows={2} onInput={(event) => setNote(event.currentTarget.value)} />
            </label>
          )}
          <div class="buttons">
            {page.allowedActions.map((action) => (
              <button type="button" data-action={action} disabled={busy} onClick={() => void act(action)} key={action}>
                {t(`em.action.${action}`)}
              </button>
            ))}
          </div>
        </div>
      )}

      <h2>{t('em.zone')}</h2>
      <p>
        {analysis?.zone
          ? analysis.zone.riverName
            ? t('em.zoneRiver', { river: analysis.zone.riverName, downstream: Math.round(analysis.zone.downstreamM), corridor: Math.round(analysis.zone.corridorM) })
            : t('em.zoneCircle', { radius: Math.round(analysis.zone.radiusM) })
          : '—'}
      </p>
      <h3>{t('em.affectedTargets')}</h3>
      {page.affectedTargets.length === 0 ? (
        <p>{t('em.noTargets')}</p>
      ) : (
        <table class="emergency-table" data-testid="affected-targets">
          <thead>
            <tr>
              <th>{t('em.target')}</th>
              <th>{t('em.kind')}</th>
              <th>{t('em.distance')}</th>
              <th>{t('em.downstream')}</th>
            </tr>
          </thead>
          <tbody>
            {page.affectedTargets.map((target) => (
              <tr key={target.targetId} data-target-id={target.targetId} data-distance-m={target.distanceM}>
                <td>{target.name}</td>
                <td>{kindName(target.kind)}</td>
                <td>{metres(target.distanceM)}</td>
                <td>{target.downstreamM > 0 ? metres(target.downstreamM) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('em.resources')}</h3>
      {page.nearestResources.length === 0 ? (
        <p>{t('em.noResources')}</p>
      ) : (
        <>
          <table class="emergency-table" data-testid="nearest-resources">
            <thead>
              <tr>
                <th>{t('em.target')}</th>
                <th>{t('em.kind')}</th>
                <th>{t('em.travel')}</th>
                <th>{t('em.distance')}</th>
              </tr>
            </thead>
            <tbody>
              {page.nearestResources.map((resource) => (
                <tr key={resource.targetId} data-resource-id={resource.targetId} data-travel-m={resource.travelM}>
                  <td>
                    {resource.name}
                    <div class="meta">{Object.entries(resource.attributes).map(([key, value]) => `${key}: ${value}`).join(' · ')}</div>
                  </td>
                  <td>{kindName(resource.kind)}</td>
                  <td>{metres(resource.travelM)}</td>
                  <td>{metres(resource.distanceM)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {analysis && <p class="meta">{t('em.roadFactor', { factor: analysis.roadFactor })}</p>}
        </>
      )}

      <h2>{t('em.plan')}</h2>
      <p data-testid="plan">{analysis?.planId ? `${analysis.planName || analysis.planId} (${analysis.planId} v${analysis.planVersion})` : t('em.noPlan')}</p>
      {page.tasks.length > 0 ? (
        <table class="emergency-table" data-testid="plan-tasks">
          <caption>{t('em.taskCases')}</caption>
          <thead>
            <tr>
              <th>{t('em.title')}</th>
              <th>{t('em.department')}</th>
              <th>{t('deadline')}</th>
              <th>{t('status')}</th>
              <th>{t('openCase')}</th>
            </tr>
          </thead>
          <tbody>
            {page.tasks.map((task) => (
              <tr key={task.taskId} data-task-id={task.taskId}>
                <td>{task.title}</td>
                <td>
                  {task.department}
                  {task.officerId && <div class="meta">{task.officerId}</div>}
                </td>
                <td>{formatTime(task.deadline)}</td>
                <td>{t(`em.taskStage.${task.stage}`)}</td>
                <td>{task.caseId ? <a href={`#/cases/${encodeURIComponent(task.caseId)}`}>{task.caseId}</a> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        page.planTasks.length > 0 && (
          <table class="emergency-table" data-testid="plan-tasks-planned">
            <caption>{t('em.planTasks')}</caption>
            <thead>
              <tr>
                <th>{t('em.title')}</th>
                <th>{t('em.department')}</th>
                <th>{t('em.deadlineMinutes')}</th>
              </tr>
            </thead>
            <tbody>
              {page.planTasks.map((task) => (
                <tr key={task.taskId}>
                  <td>{task.title}</td>
                  <td>{task.department}</td>
                  <td>{task.deadlineMinutes}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}

      <h2>{t('em.timeline')}</h2>
      <p class={check.intact ? 'chain ok' : 'chain broken'} data-testid="timeline-check">
        {check.intact ? `✓ ${t('em.chainVerified')}` : `✗ ${t('em.chainBroken', { n: check.brokenSequence ?? '?', reason: check.reason })}`} ({check.entries} {t('entries')})
      </p>
      <ol class="timeline" data-testid="incident-timeline">
        {page.timeline.map((entry) => {
          const altered = !check.intact && entry.sequence === check.brokenSequence;
          return (
            <li key={entry.sequence} data-step={entry.step} data-sequence={entry.sequence} class={altered ? 'altered' : ''}>
              <span class="when">{formatTime(entry.occurredAt)}</span> <strong>{t(`em.step.${entry.step}`)}</strong> · {entry.actor}
              {altered && <span class="chain broken"> ✗ {t('em.altered')}</span>}
              {stepNote(entry.step, entry.details) && <div class="note">{stepNote(entry.step, entry.details)}</div>}
              <div class="hash">#{entry.hash.slice(0, 16)}</div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
