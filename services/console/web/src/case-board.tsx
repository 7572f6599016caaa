import { useEffect, useState } from 'preact/hooks';
import { api, type CaseSummary } from './api';
import { formatTime, t } from './i18n';
import { onLive } from './live';

const COLUMNS = ['registered', 'dispatched', 'accepted', 'on_site', 'handled', 'verified', 'closed', 'returned', 'suspended'];

export function CaseCard(props: { item: CaseSummary; distanceKm?: number | undefined }) {
  const { item } = props;
  return (
    <li class={`case-card${item.overdue ? ' overdue' : ''}`} data-case-id={item.id} data-device={item.deviceMn}>
      <a href={`#/cases/${encodeURIComponent(item.id)}`}>
        <strong class="case-title">{item.title || item.id}</strong>
      </a>
      {item.overdue && <span class="badge overdue-badge">⚠ {t('overdue')}</span>}
      <div class="meta">
        {t('status')}: {t(`status.${item.status}`)} · {t('cell')} {item.cellId || '—'} · {t('assignee')} {item.assigneeOfficerId || '—'}
      </div>
      <div class="meta">
        {t('deadline')}: {formatTime(item.deadline)}
        {props.distanceKm !== undefined && ` · ${t('distance')} ${props.distanceKm.toFixed(1)} km`}
      </div>
    </li>
  );
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A card's worth of a live case event (dispatch's CaseChanged as the console passes it on). */
function caseFromEvent(data: Record<string, unknown>): CaseSummary | undefined {
  const id = text(data.caseId);
  const status = text(data.status);
  if (!id || !status) return undefined;
  return {
    id,
    status,
    source: '',
    priority: '',
    caseType: '',
    title: text(data.title),
    description: '',
    cellId: text(data.cellId),
    townshipCode: text(data.townshipCode),
    assigneeOfficerId: text(data.assigneeOfficerId),
    deviceMn: text(data.deviceMn),
    factorCode: text(data.factorCode),
    alertIds: text(data.alertId) ? [text(data.alertId)] : [],
    lon: null,
    lat: null,
    createdAt: null,
    deadline: text(data.deadline) || null,
    overdue: false,
    version: typeof data.version === 'number' ? data.version : 0,
  };
}

/** Cases in columns by status; a live case event moves its card at once, then the board reloads. */
export function CaseBoard() {
  const [cases, setCases] = useState<CaseSummary[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      api.cases().then(
        (answer) => setCases(answer.cases),
        (failure: Error) => setError(failure.message),
      );
    void load();
    const stop = onLive('case', (data) => {
      // The event moves or adds the card at once; the reload that follows brings the fields events do not carry.
      const changed = caseFromEvent(data);
      if (changed)
        setCases((current) => {
          const known = current.find((item) => item.id === changed.id);
          if (!known) return [changed, ...current];
          const moved = { ...known, status: changed.status, assigneeOfficerId: changed.assigneeOfficerId, version: changed.version, deadline: changed.deadline ?? known.deadline };
          return current.map((item) => (item.id === changed.id ? moved : item));
        });
      clearTimeout(pending);
      pending = setTimeout(load, 150);
    });
    return () => {
      stop();
      clearTimeout(pending);
    };
  }, []);
  return (
    <section class="board" aria-label={t('board')}>
      {error && <p role="alert" class="error">{error}</p>}
      {COLUMNS.map((status) => {
        const column = cases.filter((item) => item.status === status);
        return (
          <div class="column" data-status={status} key={status}>
            <h2>
              {t(`status.${status}`)} <span class="count">{column.length}</span>
            </h2>
            <ul>{column.map((item) => <CaseCard item={item} key={item.id} />)}</ul>
          </div>
        );
      })}
    </section>
  );
}
