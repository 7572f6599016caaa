import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from './api';
import { currentLanguage, formatTime, t } from './i18n';
import { onLive } from './live';

interface AqiHour {
  hourStart: string | null;
  aqi: number;
  category: string;
  categoryLevel: number;
  primaryPollutants: string[];
  publishable: boolean;
}

interface AirQualityPage {
  stations: Array<{ mn: string; name: string; hours: AqiHour[] }>;
  district: { aqi: number | null; categoryLevel: number | null; category: string };
}

/** HJ 633 categories: level → name key and the standard's colour (text always beside it). */
export const AQI_CATEGORIES: Record<number, { key: string; colour: string; text: string }> = {
  1: { key: 'aqi.1', colour: '#00e400', text: '#000' },
  2: { key: 'aqi.2', colour: '#ffff00', text: '#000' },
  3: { key: 'aqi.3', colour: '#ff7e00', text: '#000' },
  4: { key: 'aqi.4', colour: '#ff0000', text: '#fff' },
  5: { key: 'aqi.5', colour: '#99004c', text: '#fff' },
  6: { key: 'aqi.6', colour: '#7e0023', text: '#fff' },
};

function Category(props: { level: number | null }) {
  const category = props.level ? AQI_CATEGORIES[props.level] : undefined;
  if (!category) return <span class="aqi-badge">—</span>;
  return (
    // Preact sets styles through the DOM (element.style), which the CSP allows; a style attribute in markup it would not.
    <span class="aqi-badge" data-level={props.level} style={{ background: category.colour, color: category.text }}>
      {t(category.key)}
    </span>
  );
}

function DayChart(props: { hours: AqiHour[] }) {
  const element = useRef<HTMLDivElement>(null);
  const hourLabel = new Intl.DateTimeFormat(currentLanguage(), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Shanghai' });
  useEffect(() => {
    if (!element.current) return;
    const published = props.hours.filter((hour) => hour.hourStart !== null && hour.publishable);
    const data: uPlot.AlignedData = [published.map((hour) => Date.parse(hour.hourStart ?? '') / 1000), published.map((hour) => hour.aqi)];
    const chart = new uPlot(
      {
        width: Math.min(560, element.current.clientWidth || 560),
        height: 160,
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Asia/Shanghai'),
        series: [{}, { label: 'AQI', stroke: '#0b5cad', width: 2, points: { show: true } }],
        // Hours in China time, in the user's language (uPlot's own labels are English: "6am").
        axes: [{ values: (_chart, ticks) => ticks.map((seconds) => hourLabel.format(new Date(seconds * 1000))) }, { label: 'AQI' }],
        legend: { show: false },
      },
      data,
      element.current,
    );
    return () => chart.destroy();
  }, [props.hours]);
  return <div class="aqi-chart" ref={element} />;
}

/** Hourly AQI of the national stations with HJ 633 categories, 24-hour charts and a district summary. */
export function AqiPage() {
  const [page, setPage] = useState<AirQualityPage | undefined>();
  const [error, setError] = useState('');
  useEffect(() => {
    const load = () => api.get<AirQualityPage>('/air-quality').then(setPage, () => setError(t('failed')));
    void load();
    return onLive('aqi', () => void load());
  }, []);
  if (!page) return <section>{error && <p role="alert">{error}</p>}</section>;
  return (
    <section class="aqi" aria-label={t('aqi')}>
      <h1>{t('aqi')}</h1>
      <p class="district" data-testid="district-aqi">
        {t('aqi.district')}: <strong>{page.district.aqi ?? '—'}</strong> <Category level={page.district.categoryLevel} />
      </p>
      <div class="stations">
        {page.stations.map((station) => {
          const latest = station.hours.filter((hour) => hour.publishable).at(-1);
          return (
            <article class="station" key={station.mn} data-station={station.mn}>
              <h2>{station.name}</h2>
              <p>
                AQI <strong>{latest?.aqi ?? '—'}</strong> <Category level={latest?.categoryLevel ?? null} /> {latest?.primaryPollutants.length ? `${t('aqi.primary')}: ${latest.primaryPollutants.join(', ')}` : ''}
              </p>
              <p class="meta">{latest ? formatTime(latest.hourStart) : t('aqi.noData')}</p>
              <DayChart hours={station.hours} />
            </article>
          );
        })}
      </div>
      <ul class="aqi-legend">
        {Object.entries(AQI_CATEGORIES).map(([level]) => (
          <li key={level}>
            <Category level={Number(level)} />
          </li>
        ))}
      </ul>
    </section>
  );
}
