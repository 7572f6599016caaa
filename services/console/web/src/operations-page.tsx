import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';
import { t } from './i18n';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface ServiceStatus {
  service: string;
  ready: boolean;
  problems: Array<{ name: string; reason: string }>;
  samples: Sample[];
  unreachable?: boolean;
}

interface DevicesOnline {
  online: number;
  registered: number;
  rate: number | null;
}

const REFRESH_MS = 5_000;
const labelText = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .filter(([name]) => !['job', 'instance', 'otel_scope_name', 'otel_scope_version'].includes(name))
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
const keyOf = (service: string, sample: Sample): string => `${service}|${sample.name}|${labelText(sample.labels)}`;

/** Each service's readiness and the metrics that say whether data flows; counters also as a rate since the last refresh. */
export function OperationsPage() {
  const [services, setServices] = useState<ServiceStatus[]>([]);
  const [lag, setLag] = useState<Array<{ group: string; lag: number }> | null>([]);
  const [deadLetters, setDeadLetters] = useState<Array<{ topic: string; records: number | null }> | null>([]);
  const [devicesOnline, setDevicesOnline] = useState<DevicesOnline | undefined>();
  const [error, setError] = useState('');
  const previous = useRef<{ at: number; values: Map<string, number> } | undefined>(undefined);
  const [rates, setRates] = useState<Map<string, number>>(new Map());
  useEffect(() => {
    const load = async () => {
      try {
        const answer = await api.get<{ services: ServiceStatus[]; consumerLag: Array<{ group: string; lag: number }> | null; deadLetters: Array<{ topic: string; records: number | null }> | null; devicesOnline: DevicesOnline }>('/operations');
        setDevicesOnline(answer.devicesOnline);
        setLag(answer.consumerLag);
        setDeadLetters(answer.deadLetters);
        const now = Date.now();
        const values = new Map(answer.services.flatMap((service) => service.samples.map((sample) => [keyOf(service.service, sample), sample.value] as const)));
        const before = previous.current;
        if (before) {
          const seconds = (now - before.at) / 1000;
          setRates(new Map([...values].filter(([key]) => key.includes('_total|')).map(([key, value]) => [key, Math.max(0, value - (before.values.get(key) ?? value)) / seconds])));
        }
        previous.current = { at: now, values };
        setServices(answer.services);
        setError('');
      } catch (failure) {
        setError((failure as Error).message);
      }
    };
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  return (
    <section class="operations" aria-label={t('ops')}>
      <h1>{t('ops')}</h1>
      {error && <p role="alert" class="error">{error}</p>}
      {devicesOnline && (
        <p class="devices-online" data-testid="devices-online">
          {t('ops.devicesOnline')}: <strong>{devicesOnline.rate === null ? '—' : `${(devicesOnline.rate * 100).toFixed(1)}%`}</strong> ({t('ops.devicesOnlineOf', { online: devicesOnline.online, registered: devicesOnline.registered })})
        </p>
      )}
      <div class="service-grid">
        {services.map((service) => (
          <article class={`service ${service.ready ? 'ready' : 'not-ready'}`} key={service.service} data-service={service.service}>
            <h2>
              {service.service} <span class="state">{service.ready ? `✓ ${t('ops.ready')}` : `✗ ${t('ops.notReady')}`}</span>
            </h2>
            {service.problems.length > 0 && (
              <ul class="problems">
                {service.problems.map((problem) => (
                  <li key={problem.name}>
                    {problem.name}: {problem.reason}
                  </li>
                ))}
              </ul>
            )}
            <table>
              <tbody>
                {service.samples.map((sample) => {
                  const key = keyOf(service.service, sample);
                  const rate = rates.get(key);
                  return (
                    <tr key={key}>
                      <th scope="row">
                        {sample.name}
                        {labelText(sample.labels) && <span class="labels"> {labelText(sample.labels)}</span>}
                      </th>
                      <td>{Number.isInteger(sample.value) ? sample.value : sample.value.toFixed(3)}</td>
                      <td>{rate !== undefined ? `${rate.toFixed(1)}/s` : ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </article>
        ))}
      </div>
      <div class="service-grid">
        <article class="service kafka-lag" data-testid="consumer-lag">
          <h2>{t('ops.lag')}</h2>
          {lag === null ? (
            <p>{t('ops.unavailable')}</p>
          ) : (
            <table>
              <tbody>
                {lag.map((entry) => (
                  <tr key={entry.group} data-group={entry.group} class={entry.lag > 0 ? 'behind' : ''}>
                    <th scope="row">{entry.group}</th>
                    <td>{entry.lag}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </article>
        <article class="service dead-letters" data-testid="dead-letters">
          <h2>{t('ops.deadLetters')}</h2>
          {deadLetters === null ? (
            <p>{t('ops.unavailable')}</p>
          ) : (
            <table>
              <tbody>
                {deadLetters.map((entry) => (
                  <tr key={entry.topic} data-topic={entry.topic} class={(entry.records ?? 0) > 0 ? 'behind' : ''}>
                    <th scope="row">{entry.topic}</th>
                    <td>{entry.records === null ? t('ops.unavailable') : entry.records > 0 ? `⚠ ${entry.records}` : entry.records}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </article>
      </div>
    </section>
  );
}
