import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { t } from './i18n';

interface Group {
  key: string;
  closed: number;
  closedOnTime: number;
  onTimeRate: number;
  backlog: number;
}

interface Kpis {
  onTimeRate: number;
  closed: number;
  closedOnTime: number;
  backlog: number;
  overdue: number;
  medianHandlingSeconds: number;
  p90HandlingSeconds: number;
  townships: Group[];
  officers: Group[];
  steps: Array<{ step: string; completed: number; completedLate: number; medianSeconds: number; p90Seconds: number }>;
}

const percent = (rate: number): string => `${(rate * 100).toFixed(1)} %`;
const minutes = (seconds: number): string => `${(seconds / 60).toFixed(1)} min`;

function Bar(props: { share: number; label: string }) {
  return (
    <span class="bar" role="img" aria-label={props.label}>
      <span class="fill" style={{ width: `${Math.max(0, Math.min(1, props.share)) * 100}%` }} />
    </span>
  );
}

function GroupTable(props: { title: string; groups: Group[] }) {
  return (
    <table class="kpi-table">
      <caption>{props.title}</caption>
      <thead>
        <tr>
          <th />
          <th>{t('kpi.onTime')}</th>
          <th>{t('kpi.closed')}</th>
          <th>{t('kpi.backlog')}</th>
        </tr>
      </thead>
      <tbody>
        {props.groups.map((group) => (
          <tr key={group.key}>
            <th scope="row">{group.key}</th>
            <td>
              {percent(group.onTimeRate)} <Bar share={group.onTimeRate} label={percent(group.onTimeRate)} />
            </td>
            <td>{group.closed}</td>
            <td>{group.backlog}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The on-time rate (电子督办处置率) by township and officer, handling time p50/p90 per step, the backlog (last 30 days). */
export function KpiPage() {
  const [kpis, setKpis] = useState<Kpis | undefined>();
  const [error, setError] = useState('');
  useEffect(() => void api.get<Kpis>('/kpis?days=30').then(setKpis, (failure: Error) => setError(failure.message)), []);
  if (!kpis) return <section>{error && <p role="alert" class="error">{error}</p>}</section>;
  return (
    <section class="kpis" aria-label={t('kpi')}>
      <h1>{t('kpi')}</h1>
      <dl class="kpi-summary">
        <dt>{t('kpi.onTime')}</dt>
        <dd data-testid="on-time-rate">{percent(kpis.onTimeRate)}</dd>
        <dt>{t('kpi.closed')}</dt>
        <dd>{kpis.closed}</dd>
        <dt>{t('kpi.backlog')}</dt>
        <dd>{kpis.backlog}</dd>
        <dt>{t('overdue')}</dt>
        <dd>{kpis.overdue}</dd>
        <dt>{t('kpi.handling')} p50 / p90</dt>
        <dd>
          {minutes(kpis.medianHandlingSeconds)} / {minutes(kpis.p90HandlingSeconds)}
        </dd>
      </dl>
      <table class="kpi-table">
        <caption>{t('kpi.steps')}</caption>
        <thead>
          <tr>
            <th />
            <th>p50</th>
            <th>p90</th>
            <th>{t('kpi.completed')}</th>
            <th>{t('kpi.late')}</th>
          </tr>
        </thead>
        <tbody>
          {kpis.steps.map((step) => (
            <tr key={step.step}>
              <th scope="row">{t(`step.${step.step}`)}</th>
              <td>{minutes(step.medianSeconds)}</td>
              <td>{minutes(step.p90Seconds)}</td>
              <td>{step.completed}</td>
              <td>{step.completedLate}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <GroupTable title={t('kpi.byTownship')} groups={kpis.townships} />
      <GroupTable title={t('kpi.byOfficer')} groups={kpis.officers} />
    </section>
  );
}
