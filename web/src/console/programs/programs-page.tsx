import { get, type Answer } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Loading, ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { useLoad } from '../../ui/use-load';

type Program = Answer<'/v1/programs'>[number];

/**
 * The programs as loaded, with their campaigns, sweepstakes and catalog. A definition with an
 * error stops the server at start (with file:line:col), so what is shown here is always valid.
 */
export function ProgramsPage() {
  const { t } = useI18n();
  const programs = useLoad(() => get('/v1/programs', {}), []);
  return (
    <>
      <ScreenTitle>{t('console.programs')}</ScreenTitle>
      <p className="hint">{t('console.programsHint')}</p>
      <ProblemMessage error={programs.error} />
      {programs.loading && <Loading />}
      {programs.data?.map((p) => <ProgramCard key={p.key} program={p} />)}
    </>
  );
}

function ProgramCard({ program }: { program: Program }) {
  const { t, pick, number, date } = useI18n();
  const campaigns = useLoad(() => get('/v1/programs/{program}/campaigns', { program: program.key }), [program.key]);
  const sweepstakes = useLoad(() => get('/v1/programs/{program}/sweepstakes', { program: program.key }), [program.key]);
  const rewards = useLoad(() => get('/v1/programs/{program}/rewards', { program: program.key }), [program.key]);
  const expiry = program.expiry.policy === 'rolling_months' ? t('expiry.rolling', { n: program.expiry.months ?? 0 }) : t(`expiry.${program.expiry.policy}`);
  return (
    <section className="card" aria-labelledby={`program-${program.key}`}>
      <h2 id={`program-${program.key}`}>{`${program.names ? pick({ ja: program.names.ja ?? program.name, en: program.names.en ?? program.name }) : program.name} (${program.key})`}</h2>
      <dl className="pairs">
        <dt>{t('console.timeZone')}</dt>
        <dd>{program.timeZone}</dd>
        <dt>{t('console.pointValue')}</dt>
        <dd>{`${number(program.pointValue.points)} pt = ${number(program.pointValue.amountMinor)} ${program.currency}`}</dd>
        <dt>{t('console.expiry')}</dt>
        <dd>{expiry}</dd>
      </dl>
      <h3>{t('console.campaigns')}</h3>
      <ul>
        {campaigns.data?.items.map((c) => <li key={c.id}>{`${pick(c.names)} (${c.id}) · ${date(c.period.from)} – ${date(c.period.until)}`}</li>)}
        {campaigns.data?.items.length === 0 && <li>{t('console.none')}</li>}
      </ul>
      <h3>{t('sweepstakes.title')}</h3>
      <ul>
        {sweepstakes.data?.map((s) => <li key={s.key}>{`${pick(s.names)} (${s.key}) · ${s.prizes.length} ${t('console.prizes')}`}</li>)}
        {sweepstakes.data?.length === 0 && <li>{t('console.none')}</li>}
      </ul>
      <h3>{t('rewards.title')}</h3>
      <ul>
        {rewards.data?.items.map((r) => <li key={r.id}>{`${pick(r.names)} · ${number(r.points)} pt${r.stockLeft === null ? '' : ` · ${t('rewards.stockLeft', { n: r.stockLeft })}`}`}</li>)}
        {rewards.data?.items.length === 0 && <li>{t('console.none')}</li>}
      </ul>
    </section>
  );
}
