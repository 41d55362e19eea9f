import { useState } from 'react';
import { get } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Field, Select } from '../../ui/field';
import { Loading, ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { useLoad } from '../../ui/use-load';
import { DrawPeriod } from './draw-period';

/** SU-8: pick a sweepstakes and a period, then preview its entries, run the draw, read and verify the report. */
export function DrawsPage({ role }: { role: string }) {
  const { t, pick } = useI18n();
  const all = useLoad(async () => {
    const programs = await get('/v1/programs', {});
    const lists = await Promise.all(programs.map((p) => get('/v1/programs/{program}/sweepstakes', { program: p.key })));
    return lists.flat();
  }, []);
  const [key, setKey] = useState('');
  const [period, setPeriod] = useState('');
  const [shown, setShown] = useState<{ key: string; period: string } | null>(null);
  const chosen = all.data?.find((s) => s.key === (key || all.data?.[0]?.key));

  return (
    <>
      <ScreenTitle>{t('console.draws')}</ScreenTitle>
      <ProblemMessage error={all.error} />
      {all.loading && <Loading />}
      {all.data && all.data.length === 0 && <p>{t('console.none')}</p>}
      {chosen && (
        <form className="card" onSubmit={(e) => { e.preventDefault(); setShown({ key: chosen.key, period: period || chosen.currentPeriod.period }); }}>
          <Select label={t('sweepstakes.name')} value={chosen.key} onChange={(e) => { setKey(e.target.value); setShown(null); }}>
            {all.data?.map((s) => <option key={s.key} value={s.key}>{`${pick(s.names)} (${s.program})`}</option>)}
          </Select>
          <Field label={t('console.period')} hint={t('console.periodHint', { current: chosen.currentPeriod.period })} type="month" value={period} onChange={(e) => setPeriod(e.target.value)} />
          <button type="submit">{t('console.showPeriod')}</button>
        </form>
      )}
      {shown && <DrawPeriod key={`${shown.key}-${shown.period}`} sweepstakesKey={shown.key} period={shown.period} role={role} />}
    </>
  );
}
