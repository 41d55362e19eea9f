import { useState } from 'react';
import { newIdempotencyKey, post, type Answer } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Select } from '../../ui/field';
import { ProblemMessage } from '../../ui/problem';
import { memberId } from '../member-session';
import type { Campaign, Contract } from './campaigns-page';

type Eligibility = Answer<'/v1/campaigns/{campaign}/eligibility', 'post'>;

/**
 * One campaign: pick a line, see whether it may apply and with which benefits (or every reason
 * why not, in the member's language), choose one benefit and apply.
 */
export function CampaignCard({ campaign, lines, onApplied }: { campaign: Campaign; lines: Contract[]; onApplied(): void }) {
  const { t, pick, date, number } = useI18n();
  const id = memberId();
  const [line, setLine] = useState(lines[0]?.id ?? '');
  const [eligibility, setEligibility] = useState<Eligibility | null>(null);
  const [choice, setChoice] = useState('');
  const [applied, setApplied] = useState<Answer<'/v1/campaigns/{campaign}/applications', 'post'> | null>(null);
  const [error, setError] = useState<unknown>();

  const check = async () => {
    setError(undefined);
    setEligibility(null);
    try {
      setEligibility(await post('/v1/campaigns/{campaign}/eligibility', { campaign: campaign.id }, { member: id, line }));
    } catch (e) {
      setError(e);
    }
  };
  const apply = async () => {
    const [role = '', option = ''] = choice.split('|');
    setError(undefined);
    try {
      setApplied(await post('/v1/campaigns/{campaign}/applications', { campaign: campaign.id }, { member: id, line, role, option }, { idempotencyKey: newIdempotencyKey() }));
      onApplied();
    } catch (e) {
      setError(e);
    }
  };
  const optionName = (optionId: string) => pick(campaign.options.find((o) => o.id === optionId)?.names);
  const roleName = (roleId: string) => pick(campaign.roles.find((r) => r.id === roleId)?.names);

  return (
    <section className="card" aria-labelledby={`campaign-${campaign.id}`}>
      <h2 id={`campaign-${campaign.id}`}>{pick(campaign.names)}</h2>
      <p className="muted">{t('campaigns.period', { from: date(campaign.period.from), until: date(campaign.period.until) })}</p>
      {campaign.information.map((info) => (
        <p key={info.id} className="hint">{pick(info)}</p>
      ))}
      {applied ? (
        <p role="status">{t(applied.status === 'provisional' ? 'campaigns.provisional' : 'campaigns.applied')}</p>
      ) : lines.length === 0 ? (
        <p>{t('campaigns.noLines')}</p>
      ) : (
        <>
          <Select label={t('campaigns.line')} value={line} onChange={(e) => { setLine(e.target.value); setEligibility(null); }}>
            {lines.map((l) => (
              <option key={l.id} value={l.id}>{`${l.id} (${l.type}${l.plan ? ` / ${l.plan}` : ''})`}</option>
            ))}
          </Select>
          <button type="button" className="secondary" onClick={check}>{t('campaigns.check')}</button>
          {eligibility && !eligibility.eligible && (
            <div role="status">
              <p><strong>{t('campaigns.notEligible')}</strong></p>
              <ul>
                {eligibility.reasons.map((r, i) => (
                  <li key={i}>{pick(r.message)}</li>
                ))}
              </ul>
            </div>
          )}
          {eligibility?.eligible && (
            <fieldset>
              <legend>{t('campaigns.chooseBenefit')}</legend>
              {eligibility.options.map((o) => (
                <label key={`${o.role}|${o.option}`} className="choice">
                  <input type="radio" name={`benefit-${campaign.id}`} value={`${o.role}|${o.option}`} checked={choice === `${o.role}|${o.option}`} onChange={(e) => setChoice(e.target.value)} />
                  {`${roleName(o.role)}: ${optionName(o.option)} — ${number(o.amount)} ${o.unit} × ${t('campaigns.months', { n: o.months })}`}
                </label>
              ))}
              {eligibility.unavailable.map((u) => (
                <p key={`${u.role}|${u.option}`} className="hint">
                  {`${optionName(u.option)}: ${u.reasons.map((r) => pick(r.message)).join(' ')}`}
                </p>
              ))}
              {eligibility.provisional && <p className="hint">{t('campaigns.provisionalHint')}</p>}
              <button type="button" disabled={!choice} onClick={apply}>{t('campaigns.apply')}</button>
            </fieldset>
          )}
        </>
      )}
      <ProblemMessage error={error} />
    </section>
  );
}
