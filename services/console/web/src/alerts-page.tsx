import { useEffect, useState } from 'preact/hooks';
import { api, type Alert, type CaseSummary } from './api';
import { formatTime, t } from './i18n';
import { onLive } from './live';

/** Alerts, newest first, live; filters by township, severity and factor; each linked to its device and its cell on the map and to its case when there is one. */
export function AlertsPage() {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [cases, setCases] = useState<CaseSummary[]>([]);
  // Alert id → case id from the live case events, which name the alert that opened a case before any list shows it.
  const [caseOfAlert, setCaseOfAlert] = useState<Record<string, string>>({});
  const [township, setTownship] = useState('');
  const [severity, setSeverity] = useState('');
  const [factor, setFactor] = useState('');
  useEffect(() => {
    void api.alerts().then((answer) => setAlerts(answer.alerts), () => undefined);
    const loadCases = () => void api.cases().then((answer) => setCases(answer.cases), () => undefined);
    loadCases();
    const stopAlerts = onLive('alert', (data) => {
      const alert = data as unknown as Alert;
      setAlerts((current) => [alert, ...current.filter((item) => item.alertId !== alert.alertId)]);
    });
    const stopCases = onLive('case', (data) => {
      const alertId = typeof data.alertId === 'string' ? data.alertId : '';
      const caseId = typeof data.caseId === 'string' ? data.caseId : '';
      if (alertId && caseId) setCaseOfAlert((current) => ({ ...current, [alertId]: caseId }));
      loadCases();
    });
    return () => {
      stopAlerts();
      stopCases();
    };
  }, []);
  const caseOf = (alert: Alert): string | undefined => caseOfAlert[alert.alertId] ?? cases.find((item) => item.alertIds.includes(alert.alertId))?.id;
  const options = (values: string[]) => [...new Set(values.filter(Boolean))].sort();
  const shown = alerts.filter((alert) => (!township || alert.townshipCode === township) && (!severity || alert.severity === severity) && (!factor || alert.factorCode === factor));
  return (
    <section class="alerts" aria-label={t('alerts')}>
      <div class="filters">
        <label>
          {t('township')}
          <select value={township} onChange={(event) => setTownship(event.currentTarget.value)}>
            <option value="">{t('all')}</option>
            {options(alerts.map((alert) => alert.townshipCode)).map((code) => <option value={code} key={code}>{code}</option>)}
          </select>
        </label>
        <label>
          {t('severity')}
          <select value={severity} onChange={(event) => setSeverity(event.currentTarget.value)}>
            <option value="">{t('all')}</option>
            {options(alerts.map((alert) => alert.severity)).map((code) => <option value={code} key={code}>{t(`severity.${code}`)}</option>)}
          </select>
        </label>
        <label>
          {t('factor')}
          <select value={factor} onChange={(event) => setFactor(event.currentTarget.value)}>
            <option value="">{t('all')}</option>
            {options(alerts.map((alert) => alert.factorCode)).map((code) => <option value={code} key={code}>{code}</option>)}
          </select>
        </label>
      </div>
      {shown.length === 0 && <p>{t('noAlerts')}</p>}
      <table>
        <thead>
          <tr>
            <th>{t('takenAt')}</th>
            <th>{t('severity')}</th>
            <th>{t('description')}</th>
            <th>{t('device')}</th>
            <th>{t('cell')}</th>
            <th>{t('value')} / {t('limit')}</th>
            <th>{t('openCase')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((alert) => {
            const found = caseOf(alert);
            return (
              <tr key={alert.alertId} data-alert-id={alert.alertId} data-device={alert.deviceMn}>
                <td>{formatTime(alert.changedAt ?? alert.openedAt)}</td>
                <td class={`severity-${alert.severity}`}>{t(`severity.${alert.severity}`)}</td>
                <td>{alert.summary}</td>
                <td>
                  {alert.deviceMn ? (
                    <a href={`#/map/device/${encodeURIComponent(alert.deviceMn)}`} aria-label={t('alerts.deviceOnMap', { device: alert.deviceMn })} data-link="device">
                      {alert.deviceMn}
                    </a>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  {alert.cellId ? (
                    <a href={`#/map/${encodeURIComponent(alert.cellId)}`} aria-label={t('alerts.cellOnMap', { cell: alert.cellId })} data-link="cell">
                      {alert.cellId}
                    </a>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  {alert.value} / {alert.limit} {alert.unit}
                </td>
                <td>{found ? <a href={`#/cases/${encodeURIComponent(found)}`} data-link="case">{found}</a> : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
