import type { ReactNode } from 'react';
import { ApiError } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Loading, ProblemMessage } from '../../ui/problem';
import type { Loaded } from '../../ui/use-load';

/**
 * A part of the member page with data of its own. A role that may not read it (403) sees a note
 * instead, and the rest of the page still works.
 */
export function Section<T>({ title, loaded, children }: { title: string; loaded: Loaded<T>; children(data: T): ReactNode }) {
  const { t } = useI18n();
  const id = `section-${title.replace(/\W+/gu, '-')}`;
  const forbidden = loaded.error instanceof ApiError && loaded.error.status === 403;
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {loaded.loading && <Loading />}
      {forbidden ? <p className="muted">{t('console.notForRole')}</p> : <ProblemMessage error={loaded.error} />}
      {loaded.data !== undefined && children(loaded.data)}
    </section>
  );
}
