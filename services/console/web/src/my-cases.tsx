import { useEffect, useState } from 'preact/hooks';
import { api, type CaseSummary } from './api';
import { t } from './i18n';
import { onLive } from './live';
import { CaseCard } from './case-board';
import { currentPosition } from './evidence-upload';

const OPEN = new Set(['dispatched', 'accepted', 'on_site', 'returned']);

/** Great-circle distance in km (haversine); enough to order a handful of cases. */
function distanceKm(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** The officer's phone view: their open cases, nearest first. */
export function MyCases() {
  const [cases, setCases] = useState<CaseSummary[]>([]);
  const [here, setHere] = useState<{ lon: number; lat: number } | undefined>();
  useEffect(() => {
    const load = () => void api.cases().then((answer) => setCases(answer.cases.filter((item) => OPEN.has(item.status))), () => undefined);
    load();
    void currentPosition().then(setHere);
    return onLive('case', load);
  }, []);
  const withDistance = cases.map((item) => ({ item, km: here && item.lon !== null && item.lat !== null ? distanceKm(here, { lon: item.lon, lat: item.lat }) : undefined }));
  withDistance.sort((a, b) => (a.km ?? Infinity) - (b.km ?? Infinity));
  return (
    <section class="my-cases" aria-label={t('myCases')}>
      <h1>{t('myCases')}</h1>
      {withDistance.length === 0 && <p>{t('noCases')}</p>}
      <ul>{withDistance.map(({ item, km }) => <CaseCard item={item} distanceKm={km} key={item.id} />)}</ul>
    </section>
  );
}
