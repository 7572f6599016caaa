import { useCallback, useEffect, useState } from 'preact/hooks';
import { emergencyApi, type WarningPage } from './emergency-api';
import { DrillMark, explainEmergency, LevelBadge } from './emergency-page';
import { currentLanguage, formatTime, t } from './i18n';
import { onLive } from './live';

/** One warning: its facts, lift (dispatcher/admin), the obligations it put on enterprises with compliance, the evaluation once lifted. */
export function WarningView(props: { warningId: string }) {
  const [page, setPage] = useState<WarningPage | undefined>();
  const [message, setMessage] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const load = useCallback(async () => {
    try {
      setPage(await emergencyApi.warning(props.warningId));
    } catch (error) {
      setPage(undefined);
      setMessage(explainEmergency(error, 'em.warningNotFound'));
    }
  }, [props.warningId]);
  useEffect(() => {
    void load();
    const stops = [onLive('warning', (data) => void (data.warningId === props.warningId && load())), onLive('obligation', (data) => void (data.warningId === props.warningId && load()))];
    return () => stops.forEach((stop) => stop());
  }, [load, props.warningId]);
  if (!page) return <section class="case-page">{message && <p role="alert" class="error">{message}</p>}</section>;
  const warning = page.warning;
  const lift = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setMessage('');
    try {
      await emergencyApi.liftWarning(warning.warningId, reason);
      setReason('');
    } catch (error) {
      setMessage(explainEmergency(error, 'em.warningNotFound'));
    } finally {
      setBusy(false);
      await load();
    }
  };
  const english = currentLanguage() === 'en';
  return (
    <section class="case-page warning-page" aria-labelledby="warning-title">
      <p>
        <a href="#/emergency">{t('back')}</a>
      </p>
      <h1 id="warning-title">
        <LevelBadge level={warning.level} /> {warning.warningId} <DrillMark drill={warning.drill} />
      </h1>
      <dl class="facts">
        <dt>{t('status')}</dt>
        <dd data-testid="warning-status">{t(`em.warningStatus.${warning.status}`)}</dd>
        <dt>{t('em.reason')}</dt>
        <dd>{warning.reason || '—'}</dd>
        <dt>{t('em.issuedBy')}</dt>
        <dd>
          {t(`em.origin.${warning.origin}`)} · {warning.issuedBy}
        </dd>
        <dt>{t('em.startsAt')}</dt>
        <dd>{formatTime(warning.startsAt)}</dd>
        <dt>{t('em.expectedEnd')}</dt>
        <dd>{formatTime(warning.expectedEndAt)}</dd>
        <dt>{t('em.liftedAt')}</dt>
        <dd>{formatTime(warning.liftedAt)}</dd>
      </dl>
      {message && <p role="alert" class="error">{message}</p>}
      {page.allowedActions.includes('lift') && (
        <form class="actions" onSubmit={(event) => void lift(event)} aria-label={t('actions')}>
          <label>
            {t('em.liftReason')}
            <input name="reason" value={reason} required maxLength={500} onInput={(event) => setReason(event.currentTarget.value)} />
          </label>
          <button type="submit" data-action="lift" disabled={busy}>{t('em.action.lift')}</button>
        </form>
      )}

      <h2>{t('em.obligations')}</h2>
      <p data-testid="compliance">
        {t('em.compliance')}：{Object.entries(page.compliance).map(([status, count]) => `${t(`em.obligation.${status}`)} ${count}`).join(' · ') || '—'}
      </p>
      {page.obligations.length === 0 ? (
        <p>{t('em.noObligations')}</p>
      ) : (
        <table class="emergency-table" data-testid="obligations">
          <thead>
            <tr>
              <th>{t('em.enterprise')}</th>
              <th>{t('em.grade')}</th>
              <th>{t('em.measure')}</th>
              <th>{t('em.window')}</th>
              <th>{t('em.compliance')}</th>
            </tr>
          </thead>
          <tbody>
            {page.obligations.map((obligation) => (
              <tr key={obligation.obligationId} data-obligation-status={obligation.status}>
                <td>
                  {obligation.enterpriseName}
                  <div class="meta">{obligation.enterpriseUscc}</div>
                </td>
                <td>{obligation.grade}</td>
                <td>
                  {t(`em.measure.${obligation.measure}`)}
                  {obligation.measure === 'production_limit' && ` ${obligation.productionLimitPercent}%`}
                </td>
                <td>
                  {formatTime(obligation.windowStart)} – {formatTime(obligation.windowEnd)}
                </td>
                <td class={`obligation-${obligation.status}`}>
                  {t(`em.obligation.${obligation.status}`)}
                  {obligation.status === 'breached' && <div>{english ? obligation.breachReasonEn : obligation.breachReason}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {page.evaluation && (
        <>
          <h2>{t('em.evaluation')}</h2>
          <dl class="kpi-summary" data-testid="evaluation">
            <dt>{t('em.measuresOrdered')}</dt>
            <dd>{page.evaluation.measuresOrdered}</dd>
            <dt>{t('em.measuresCarriedOut')}</dt>
            <dd>{page.evaluation.measuresCarriedOut}</dd>
            <dt>{t('em.measuresBreached')}</dt>
            <dd>{page.evaluation.measuresBreached}</dd>
            <dt>{t('em.measuresSelfDirected')}</dt>
            <dd>{page.evaluation.measuresSelfDirected}</dd>
          </dl>
          {page.evaluation.total.length > 0 && (
            <table class="kpi-table">
              <caption>{t('em.reductionTotal')}</caption>
              <thead>
                <tr>
                  <th>{t('factor')}</th>
                  <th>{t('em.baseline')}</th>
                  <th>{t('em.during')}</th>
                  <th>{t('em.reductionPercent')}</th>
                </tr>
              </thead>
              <tbody>
                {page.evaluation.total.map((reduction) => (
                  <tr key={reduction.factorCode}>
                    <td>{reduction.factorCode}</td>
                    <td>{reduction.baseline.toFixed(2)}</td>
                    <td>{reduction.during.toFixed(2)}</td>
                    <td>{reduction.reductionPercent.toFixed(1)}%</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
