import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { currentLanguage, formatTime, t } from './i18n';

interface Rating {
  enterpriseUscc: string;
  enterpriseName: string;
  colour: string;
  level: string;
  score: number;
  vetoed: boolean;
  reason: string;
  reasonEn: string;
  period: string;
  ratedAt: string | null;
  jointPunishment: boolean;
}

interface Explanation {
  rating: Rating | null;
  indicators: Array<{ indicator: string; name: string; nameEn: string; points: number; weight: number; deductions: Array<{ ruleId: string; ruleText: string; ruleTextEn: string; points: number }> }>;
  vetoes: Array<{ ruleId: string; ruleText: string; ruleTextEn: string }>;
}

const COLOURS: Record<string, { background: string; color: string }> = {
  green: { background: '#2b8a3e', color: '#fff' },
  blue: { background: '#1c7ed6', color: '#fff' },
  yellow: { background: '#f2c94c', color: '#000' },
  red: { background: '#c92a2a', color: '#fff' },
  black: { background: '#212529', color: '#fff' },
};

function Colour(props: { colour: string }) {
  return (
    <span class="aqi-badge" data-colour={props.colour} style={COLOURS[props.colour] ?? {}}>
      {t(`credit.${props.colour}`)}
    </span>
  );
}

/** Enterprises' environmental credit colours, and why each has its colour (indicators, deductions, vetoes). */
export function CreditPage() {
  const [ratings, setRatings] = useState<Rating[]>([]);
  const [explanation, setExplanation] = useState<Explanation | undefined>();
  const [error, setError] = useState('');
  const english = currentLanguage() === 'en';
  useEffect(() => void api.get<{ ratings: Rating[] }>('/credit').then((answer) => setRatings(answer.ratings), (failure: Error) => setError(failure.message)), []);
  const explain = (uscc: string) => void api.get<Explanation>(`/credit/${encodeURIComponent(uscc)}`).then(setExplanation, (failure: Error) => setError(failure.message));
  return (
    <section class="credit" aria-label={t('credit')}>
      <h1>{t('credit')}</h1>
      {error && <p role="alert" class="error">{error}</p>}
      {ratings.length === 0 && !error && <p>{t('credit.none')}</p>}
      <table class="kpi-table">
        <thead>
          <tr>
            <th>{t('credit.enterprise')}</th>
            <th>{t('credit.colour')}</th>
            <th>{t('credit.score')}</th>
            <th>{t('credit.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {ratings.map((rating) => (
            <tr key={rating.enterpriseUscc} data-uscc={rating.enterpriseUscc}>
              <td>
                <button type="button" class="link-plain" onClick={() => explain(rating.enterpriseUscc)}>
                  {rating.enterpriseName || rating.enterpriseUscc}
                </button>
                <div class="meta">{rating.enterpriseUscc}</div>
              </td>
              <td>
                <Colour colour={rating.colour} /> {rating.level !== rating.colour && rating.level} {rating.vetoed && `· ${t('credit.vetoed')}`}
              </td>
              <td>{rating.score.toFixed(1)}</td>
              <td>{english ? rating.reasonEn : rating.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {explanation?.rating && (
        <article class="explanation" data-testid="credit-explanation">
          <h2>
            {explanation.rating.enterpriseName} <Colour colour={explanation.rating.colour} />
          </h2>
          <p class="meta">
            {explanation.rating.period} · {formatTime(explanation.rating.ratedAt)}
            {explanation.rating.jointPunishment && ` · ${t('credit.joint')}`}
          </p>
          {explanation.vetoes.length > 0 && (
            <ul class="problems">
              {explanation.vetoes.map((veto) => (
                <li key={veto.ruleId}>{english ? veto.ruleTextEn : veto.ruleText}</li>
              ))}
            </ul>
          )}
          <ul>
            {explanation.indicators.map((indicator) => (
              <li key={indicator.indicator} data-indicator={indicator.indicator}>
                <strong>{english ? indicator.nameEn : indicator.name}</strong>: {indicator.points.toFixed(1)}
                <ul>
                  {indicator.deductions.map((deduction, index) => (
                    <li key={`${deduction.ruleId}-${index}`}>
                      {english ? deduction.ruleTextEn : deduction.ruleText} ({deduction.points})
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </article>
      )}
    </section>
  );
}
