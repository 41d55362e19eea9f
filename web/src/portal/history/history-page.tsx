import { useEffect, useState } from 'react';
import { get, type Answer } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Loading, ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { memberId } from '../member-session';
import { TransactionList } from './transaction-list';

type Page = Answer<'/v1/members/{id}/transactions'>;

/** The whole history, newest first, a page at a time. */
export function HistoryPage() {
  const { t } = useI18n();
  const id = memberId();
  const [items, setItems] = useState<Page['items']>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);

  const load = async (from?: string) => {
    setLoading(true);
    try {
      const page = await get('/v1/members/{id}/transactions', { id }, { limit: 50, ...(from ? { cursor: from } : {}) });
      setItems((earlier) => (from ? [...earlier, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load();
  }, [id]);

  return (
    <>
      <ScreenTitle>{t('history.title')}</ScreenTitle>
      <ProblemMessage error={error} />
      <TransactionList items={items} />
      {loading && <Loading />}
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          {t('history.more')}
        </button>
      )}
    </>
  );
}
