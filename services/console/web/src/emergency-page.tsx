import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';
import { emergencyApi, type EarlyWarning, type Incident, type Warning, type WarningsPage } from './emergency-api';
import { currentLanguage, formatTime, t } from './i18n';
import { onLive } from './live';

export function explainEmergency(error: unknown, notFoundKey = 'notFound'): string {
  if (error instanceof ApiError) {
    if (error.code === 'stale_version') return t('em.staleVersion');
    if (error.status === 403) return t('notAllowed');
    if (error.status === 404) return t(notFoundKey);
    return `${t('failed')}${error.message}`;
  }
  return `${t('failed')}${(error as Error).message}`;
}

/** Level in words and colour (never colour alone). */
export function LevelBadge(props: { level: string }) {
  return <span class={`level-badge level-${props.level || 'none'}`}>{props.level ? t(`em.level.${props.level}`) : '—'}</span>;
}

export function DrillMark(props: { drill: boolean }) {
  return props.drill ? <span class="drill-mark" data-testid="drill">【{t('em.drill')}】</span> : null;
}

const percent = (value: number): string => `${Math.round(value * 100)}%`;
const number = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/0+$/, '').replace(/\.$/, ''));

/** Today's date and time as a datetime-local input wants it (the browser's own zone). */
function localNow(): string {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function IssueWarningForm(props: { onIssued: () => void }) {
  const [level, setLevel] = useState('yellow');
  const [reason, setReason] = useState('');
  const [startsAt, setStartsAt] = useState(localNow());
  const [expectedEnd, setExpectedEnd] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setMessage('');
    try {
      await emergencyApi.issueWarning({ level, reason, startsAt: new Date(startsAt).toISOString(), ...(expectedEnd ? { expectedEndAt: new Date(expectedEnd).toISOString() } : {}) });
      setReason('');
      props.onIssued();
    } catch (error) {
      setMessage(explainEmergency(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="issue-warning" onSubmit={(event) => void submit(event)} aria-label={t('em.issueWarning')}>
      <h3>{t('em.issueWarning')}</h3>
      <div class="filters">
        <label>
          {t('em.level')}
          <select name="level" value={level} onChange={(event) => setLevel(event.currentTarget.value)}>
            {['yellow', 'orange', 'red'].map((name) => <option value={name} key={name}>{t(`em.level.${name}`)}</option>)}
          </select>
        </label>
        <label>
          {t('em.startsAt')}
          <input type="datetime-local" name="startsAt" value={startsAt} required onInput={(event) => setStartsAt(event.currentTarget.value)} />
        </label>
        <label>
          {t('em.expectedEnd')}
          <input type="datetime-local" name="expectedEnd" value={expectedEnd} onInput={(event) => setExpectedEnd(event.currentTarget.value)} />
        </label>
      </div>
      <label>
        {t('em.notice')}
        <input name="reason" value={reason} required maxLength={500} onInput={(event) => setReason(event.currentTarget.value)} />
      </label>
      {message && <p role="alert" class="error">{message}</p>}
      <button type="submit" data-action="issue-warning" disabled={busy}>{t('em.action.issue')}</button>
    </form>
  );
}

function WarningBanner(props: { warning: Warning }) {
  const warning = props.warning;
  return (
    <a class={`warning-banner level-${warning.level}`} href={`#/emergency/warnings/${encodeURIComponent(warning.warningId)}`} data-testid="warning-banner" data-warning-id={warning.warningId} data-level={warning.level}>
      <strong>⚠ {t('em.warningActive', { level: t(`em.level.${warning.level}`) })}</strong> <DrillMark drill={warning.drill} />
      <span> · {t(`em.origin.${warning.origin}`)} · {t('em.reason')}：{warning.reason || '—'}</span>
      <span> · {t('em.startsAt')} {formatTime(warning.startsAt)} · {t('em.expectedEnd')} {formatTime(warning.expectedEndAt)}</span>
      <span> · {t('em.obligationCount')} {warning.obligationCount}</span>
    </a>
  );
}

function IncidentRow(props: { incident: Incident }) {
  const incident = props.incident;
  return (
    <tr data-incident-id={incident.id} data-status={incident.status} class={incident.status === 'proposed' ? 'proposed' : ''}>
      <td>
        <a href={`#/emergency/incidents/${encodeURIComponent(incident.id)}`} data-link="incident">{incident.title || incident.id}</a> <DrillMark drill={incident.drill} />
      </td>
      <td class={`incident-status-${incident.status}`}>{t(`em.incidentStatus.${incident.status}`)}</td>
      <td>{t(`em.kind.${incident.kind}`)}</td>
      <td>{t(`em.incidentLevel.${incident.level}`)}</td>
      <td>{formatTime(incident.declaredAt ?? incident.proposedAt)}</td>
    </tr>
  );
}

function IncidentTable(props: { incidents: Incident[]; label: string; testId: string }) {
  return (
    <table data-testid={props.testId} aria-label={props.label}>
      <thead>
        <tr>
          <th>{t('em.title')}</th>
          <th>{t('status')}</th>
          <th>{t('em.kind')}</th>
          <th>{t('em.level')}</th>
          <th>{t('takenAt')}</th>
        </tr>
      </thead>
      <tbody>
        {props.incidents.map((incident) => <IncidentRow incident={incident} key={incident.id} />)}
      </tbody>
    </table>
  );
}

function EarlyWarnings(props: { warnings: EarlyWarning[] }) {
  if (props.warnings.length === 0) return <p>{t('em.noEarlyWarnings')}</p>;
  return (
    <table data-testid="early-warnings">
      <thead>
        <tr>
          <th>{t('device')}</th>
          <th>{t('factor')}</th>
          <th>{t('em.lastValue')}</th>
          <th>{t('limit')}</th>
          <th>{t('em.probability')}</th>
          <th>{t('em.expectedCrossing')}</th>
          <th>{t('em.band', { level: Math.round((props.warnings[0]?.bandLevel ?? 0.9) * 100) })}</th>
          <th>{t('em.raisedAt')}</th>
        </tr>
      </thead>
      <tbody>
        {props.warnings.map((warning) => {
          const last = warning.points.at(-1);
          const limit = warning.limit;
          const limitText = !limit ? '—' : limit.kind === 'range' ? `${number(limit.low)}–${number(limit.high)}` : `${limit.kind === 'lower' ? '≥' : '≤'} ${number(limit.value)}`;
          return (
            <tr key={warning.warningId} data-early-warning-id={warning.warningId}>
              <td>
                {warning.deviceMn}
                <div class="meta">{t(`em.seriesKind.${warning.seriesKind}`)}</div>
              </td>
              <td>{warning.factorName || warning.factorCode}</td>
              <td>{warning.lastValue === null ? '—' : number(warning.lastValue)}</td>
              <td>
                {limitText} {limit?.unit}
                <div class="meta">{limit?.source}</div>
              </td>
              <td>{percent(warning.maxProbability)}</td>
              <td>{formatTime(warning.expectedCrossingAt)}</td>
              <td>{last ? `${number(last.lower)} – ${number(last.upper)}（${formatTime(last.at)}）` : '—'}</td>
              <td>
                {formatTime(warning.raisedAt)}
                <div class="meta">{currentLanguage() === 'en' ? warning.messageEn : warning.messageZh}</div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** 应急: the warning in force (banner in its level's colour), incidents (proposals first), open early warnings; live. */
export function EmergencyPage() {
  const [warnings, setWarnings] = useState<WarningsPage | undefined>();
  const [incidents, setIncidents] = useState<Incident[]>([]);
  const [early, setEarly] = useState<EarlyWarning[]>([]);
  const [message, setMessage] = useState('');
  const [breaches, setBreaches] = useState<string[]>([]);
  const loadWarnings = useCallback(() => void emergencyApi.warnings().then(setWarnings, (error: unknown) => setMessage(explainEmergency(error))), []);
  const loadIncidents = useCallback(() => void emergencyApi.incidents().then((answer) => setIncidents(answer.incidents), (error: unknown) => setMessage(explainEmergency(error))), []);
  const loadEarly = useCallback(() => void emergencyApi.earlyWarnings().then((answer) => setEarly(answer.earlyWarnings), (error: unknown) => setMessage(explainEmergency(error))), []);
  useEffect(() => {
    loadWarnings();
    loadIncidents();
    loadEarly();
    const stops = [
      onLive('warning', loadWarnings),
      onLive('incident', loadIncidents),
      onLive('early_warning', loadEarly),
      onLive('obligation', (data) => setBreaches((current) => [t('em.liveBreach', { enterprise: String(data.enterpriseName ?? data.enterpriseUscc ?? '') }), ...current].slice(0, 5))),
    ];
    return () => stops.forEach((stop) => stop());
  }, [loadWarnings, loadIncidents, loadEarly]);
  const proposed = incidents.filter((incident) => incident.status === 'proposed');
  const others = incidents.filter((incident) => incident.status !== 'proposed');
  return (
    <section class="emergency" aria-label={t('emergency')}>
      {message && <p role="alert" class="error">{message}</p>}
      <h2>{t('em.warnings')}</h2>
      {warnings && warnings.active.length === 0 && <p class="no-warning" data-testid="no-warning">{t('em.noActiveWarning')}</p>}
      {warnings?.active.map((warning) => <WarningBanner warning={warning} key={warning.warningId} />)}
      {breaches.length > 0 && (
        <ul class="breaches" role="status">
          {breaches.map((text, index) => <li key={index}>{text}</li>)}
        </ul>
      )}
      {warnings?.allowedActions.includes('issue') && <IssueWarningForm onIssued={loadWarnings} />}
      {warnings && warnings.recent.length > 0 && (
        <details>
          <summary>{t('em.recentWarnings')}</summary>
          <ul>
            {warnings.recent.map((warning) => (
              <li key={warning.warningId}>
                <a href={`#/emergency/warnings/${encodeURIComponent(warning.warningId)}`}>{warning.warningId}</a> <DrillMark drill={warning.drill} /> <LevelBadge level={warning.peakLevel} /> {formatTime(warning.startsAt)} – {formatTime(warning.liftedAt)}
              </li>
            ))}
          </ul>
        </details>
      )}

      <h2>{t('em.incidents')}</h2>
      {proposed.length > 0 && (
        <div class="proposed-incidents">
          <h3>⚠ {t('em.proposedIncidents')}</h3>
          <IncidentTable incidents={proposed} label={t('em.proposedIncidents')} testId="proposed-incidents" />
        </div>
      )}
      {incidents.length === 0 ? <p>{t('em.noIncidents')}</p> : others.length > 0 && <IncidentTable incidents={others} label={t('em.incidents')} testId="incidents" />}

      <h2>{t('em.earlyWarnings')}</h2>
      <EarlyWarnings warnings={early} />
    </section>
  );
}
