import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from './api';
import { currentLanguage, t } from './i18n';

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

const CHART_WIDTH = 560;

/** A uPlot chart in a figure with its caption; the table next to it carries the same numbers as text. */
function Chart(props: { title: string; testId: string; options: (width: number) => uPlot.Options; data: uPlot.AlignedData }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!element.current) return;
    const chart = new uPlot(props.options(Math.min(CHART_WIDTH, element.current.clientWidth || CHART_WIDTH)), props.data, element.current);
    element.current.dataset.points = String(props.data[0].length);
    return () => chart.destroy();
  }, [props.data]);
  return (
    <figure class="kpi-chart">
      <figcaption>{props.title}</figcaption>
      <div ref={element} data-testid={props.testId} role="img" aria-label={props.title} />
    </figure>
  );
}

/** Bars over categories: uPlot has no category axis, so x is the index and the axis prints the names. */
function barOptions(labels: string[], series: Array<{ label: string; colour: string }>, yLabel: string, max?: number) {
  return (width: number): uPlot.Options => ({
    width,
    height: 200,
    scales: { x: { time: false, range: [-0.5, labels.length - 0.5] }, y: max === undefined ? {} : { range: [0, max] } },
    series: [{}, ...series.map((one, index) => ({ label: one.label, fill: one.colour, stroke: one.colour, width: 0, paths: uPlot.paths.bars?.({ size: [0.8 / series.length, 60], align: (index === 0 && series.length > 1 ? -1 : series.length > 1 ? 1 : 0) as -1 | 0 | 1 }), points: { show: false } }))],
    axes: [{ values: (_chart, ticks) => ticks.map((tick) => (Number.isInteger(tick) ? (labels[tick] ?? '') : '')), splits: () => labels.map((_label, index) => index), rotate: 0 }, { label: yLabel }],
    legend: { show: series.length > 1, live: false },
    cursor: { show: false },
  });
}

const inMinutes = (seconds: number): number => Math.round((seconds / 60) * 10) / 10;

interface Backlog {
  hours: Array<{ hour: string; open: number }>;
  truncated: boolean;
}

function BacklogChart(props: { backlog: Backlog }) {
  const hourLabel = new Intl.DateTimeFormat(currentLanguage(), { month: 'numeric', day: 'numeric', hour: 'numeric', timeZone: 'Asia/Shanghai' });
  const data: uPlot.AlignedData = [props.backlog.hours.map((point) => Date.parse(point.hour) / 1000), props.backlog.hours.map((point) => point.open)];
  return (
    <>
      <Chart
        title={t('kpi.backlogOverTime')}
        testId="backlog-chart"
        data={data}
        options={(width) => ({
          width,
          height: 200,
          tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Asia/Shanghai'),
          series: [{}, { label: t('kpi.backlog'), stroke: '#0b5cad', width: 2, fill: 'rgba(11, 92, 173, 0.12)', paths: uPlot.paths.stepped?.({ align: 1 }) }],
          axes: [{ values: (_chart, ticks) => ticks.map((seconds) => hourLabel.format(new Date(seconds * 1000))) }, { label: t('kpi.backlog') }],
          legend: { show: false },
        })}
      />
      {props.backlog.truncated && <p class="meta">{t('kpi.backlogTruncated')}</p>}
    </>
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

/**
 * The on-time rate (电子督办处置率) by township and officer, handling time p50/p90 per step (last 30 days) and open
 * cases per hour over the last 7 days, as uPlot charts with the same numbers in tables beside them.
 */
export function KpiPage() {
  const [kpis, setKpis] = useState<Kpis | undefined>();
  const [backlog, setBacklog] = useState<Backlog | undefined>();
  const [error, setError] = useState('');
  useEffect(() => {
    void api.get<Kpis>('/kpis?days=30').then(setKpis, (failure: Error) => setError(failure.message));
    void api.get<Backlog>('/kpis/backlog?days=7').then(setBacklog, (failure: Error) => setError(failure.message));
  }, []);
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
      {backlog && <BacklogChart backlog={backlog} />}
      <div class="kpi-charts">
        <Chart
          title={`${t('kpi.byTownship')} · ${t('kpi.rateChart')}`}
          testId="township-chart"
          data={[kpis.townships.map((_group, index) => index), kpis.townships.map((group) => group.onTimeRate * 100)]}
          options={barOptions(kpis.townships.map((group) => group.key), [{ label: t('kpi.onTime'), colour: '#2d6a4f' }], '%', 100)}
        />
        <Chart
          title={`${t('kpi.byOfficer')} · ${t('kpi.rateChart')}`}
          testId="officer-chart"
          data={[kpis.officers.map((_group, index) => index), kpis.officers.map((group) => group.onTimeRate * 100)]}
          options={barOptions(kpis.officers.map((group) => group.key), [{ label: t('kpi.onTime'), colour: '#2d6a4f' }], '%', 100)}
        />
        <Chart
          title={`${t('kpi.steps')} · p50 / p90`}
          testId="steps-chart"
          data={[kpis.steps.map((_step, index) => index), kpis.steps.map((step) => inMinutes(step.medianSeconds)), kpis.steps.map((step) => inMinutes(step.p90Seconds))]}
          options={barOptions(kpis.steps.map((step) => t(`step.${step.step}`)), [{ label: t('kpi.p50'), colour: '#0b5cad' }, { label: t('kpi.p90'), colour: '#d9480f' }], 'min')}
        />
      </div>
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
