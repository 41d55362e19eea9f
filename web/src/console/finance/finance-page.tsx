import { useState, type FormEvent } from 'react';
import { get, getCsv, type Answer } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { BarChart } from '../../ui/bar-chart';
import { Field, Select } from '../../ui/field';
import { Loading, ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { useLoad } from '../../ui/use-load';
import { LiabilityTable } from './liability-table';

export type Liability = Answer<'/v1/programs/{program}/liability'>;

function monthsBack(n: number): string {
  const d = new Date();
  d.setMonth(d.getMonth() - n);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** Points liability from the ledger's postings: outstanding and breakage per month, as a chart, a table and CSV. */
export function FinancePage() {
  const { t, month, monthShort, points } = useI18n();
  const programs = useLoad(() => get('/v1/programs', {}), []);
  const [form, setForm] = useState({ program: '', from: monthsBack(11), to: monthsBack(0) });
  const [report, setReport] = useState<Liability | null>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const program = form.program || programs.data?.[0]?.key || '';

  const show = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setReport(await get('/v1/programs/{program}/liability', { program }, { from: form.from, to: form.to }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const download = async () => {
    setError(undefined);
    try {
      const csv = await getCsv('/v1/programs/{program}/liability', { program }, { from: form.from, to: form.to });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      link.download = `liability-${program}-${form.from}-${form.to}.csv`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <ScreenTitle>{t('console.finance')}</ScreenTitle>
      {programs.loading && <Loading />}
      <form className="card" onSubmit={show}>
        <Select label={t('login.program')} value={program} onChange={(e) => setForm({ ...form, program: e.target.value })}>
          {programs.data?.map((p) => <option key={p.key} value={p.key}>{p.name}</option>)}
        </Select>
        <Field label={t('finance.from')} type="month" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} required />
        <Field label={t('finance.to')} type="month" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} required />
        <div className="actions">
          <button type="submit" disabled={busy}>{t('console.showPeriod')}</button>
          <button type="button" className="secondary" onClick={download}>{t('finance.csv')}</button>
        </div>
      </form>
      <ProblemMessage error={error ?? programs.error} />
      {report && (
        <>
          <section className="card" aria-labelledby="outstanding-heading">
            <h2 id="outstanding-heading">{t('finance.outstandingChart')}</h2>
            <BarChart title={t('finance.outstandingChart')} bars={report.months.map((m) => ({ label: month(m.month), axis: monthShort(m.month), value: m.outstanding, text: points(m.outstanding) }))} />
            <h2>{t('finance.breakageChart')}</h2>
            <BarChart title={t('finance.breakageChart')} empty={t('finance.noBreakage')} bars={report.months.map((m) => ({ label: month(m.month), axis: monthShort(m.month), value: m.expired + m.forfeited, text: points(m.expired + m.forfeited) }))} />
          </section>
          <LiabilityTable report={report} />
        </>
      )}
    </>
  );
}
