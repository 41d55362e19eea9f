import type { Answer } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import type { Options } from './sweepstakes-page';

type Entry = Answer<'/v1/members/{id}/sweepstakes-entries'>[number];

/** The member's entries, newest first, each with its period's result. */
export function MyEntries({ entries, names }: { entries: Entry[]; names: Map<string, Options> }) {
  const { t, pick, dateTime, month } = useI18n();
  if (entries.length === 0) return <p>{t('sweepstakes.noEntries')}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('sweepstakes.period')}</th>
          <th scope="col">{t('sweepstakes.name')}</th>
          <th scope="col">{t('sweepstakes.prize')}</th>
          <th scope="col">{t('sweepstakes.enteredAt')}</th>
          <th scope="col">{t('sweepstakes.result')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => {
          const options = names.get(e.sweepstakes);
          const prize = options?.prizes.find((p) => p.key === e.prize);
          return (
            <tr key={e.id} data-testid="entry">
              <td>{month(e.period)}</td>
              <td>{options ? pick(options.names) : e.sweepstakes}</td>
              <td>{prize ? pick(prize.names) : e.prize}</td>
              <td>{dateTime(e.enteredAt)}</td>
              <td>{t(`result.${e.result.status}`)}{e.result.status === 'won' && ` (${dateTime(e.result.awardAt)})`}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
