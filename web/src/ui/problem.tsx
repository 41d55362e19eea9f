import { ApiError } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';

interface Reason {
  rule?: string;
  code?: string;
  message?: { ja: string; en: string };
}

/** Refusals we can say more precisely than the API's title, with their parameters. */
const explained: Record<string, MessageKey> = {
  insufficient_points: 'problem.insufficient_points',
  over_limit: 'problem.over_limit',
  invalid_step: 'problem.invalid_step',
  step_up_required: 'problem.step_up_required',
  not_found: 'problem.not_found',
  forbidden: 'problem.forbidden',
  login_failed: 'problem.login_failed',
  unauthorized: 'problem.unauthorized',
};

/**
 * What went wrong, in the UI's language: the problem's title (the API answers in the language we
 * ask for), our own sentence for common refusals, and every reason of a "not eligible".
 */
export function ProblemMessage({ error }: { error: unknown }) {
  const { t, pick, number } = useI18n();
  if (!error) return null;
  if (!(error instanceof ApiError)) return <p role="alert" className="problem">{t('problem.network')}</p>;
  const key = explained[error.code];
  const params = Object.fromEntries(Object.entries(error.params).map(([k, v]) => [k, typeof v === 'number' ? number(v) : String(v)]));
  const reasons = Array.isArray(error.params.reasons) ? (error.params.reasons as Reason[]) : [];
  return (
    <div role="alert" className="problem">
      <p>
        <strong>{key ? t(key, params) : error.title}</strong>
      </p>
      {reasons.length > 0 && (
        <ul>
          {reasons.map((r, i) => (
            <li key={i}>{pick(r.message)}</li>
          ))}
        </ul>
      )}
      {!key && reasons.length === 0 && error.detail && <p className="detail">{error.detail}</p>}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return <p aria-live="polite" className="muted">{t('common.loading')}</p>;
}
