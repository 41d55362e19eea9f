import { useState, type FormEvent } from 'react';
import { get, type Answer } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate } from '../../router';
import { Field, Select } from '../../ui/field';
import { Loading, ProblemMessage } from '../../ui/problem';
import { ScreenTitle } from '../../ui/shell';
import { useLoad } from '../../ui/use-load';

type Found = Answer<'/v1/programs/{program}/members'>['items'][number];

/**
 * Finds the member a caller or a ticket names: their customer id, email or phone, matched exactly
 * by the API (GET /v1/programs/{program}/members?query=) as written; or opens a member id directly.
 */
export function MemberSearchPage() {
  const { t, date } = useI18n();
  const programs = useLoad(() => get('/v1/programs', {}), []);
  const [program, setProgram] = useState('');
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<{ program: string; items: Found[]; nextCursor: string | null } | null>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [id, setId] = useState('');
  const chosen = program || programs.data?.[0]?.key || '';

  const search = async (cursor?: string) => {
    setBusy(true);
    setError(undefined);
    try {
      const page = await get('/v1/programs/{program}/members', { program: chosen }, { query: query.trim(), limit: 20, ...(cursor ? { cursor } : {}) });
      setResults((before) => ({ program: chosen, items: cursor && before ? [...before.items, ...page.items] : page.items, nextCursor: page.nextCursor }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void search();
  };
  const open = (event: FormEvent) => {
    event.preventDefault();
    navigate(`/console/members/${encodeURIComponent(id.trim())}`);
  };

  return (
    <>
      <ScreenTitle>{t('console.members')}</ScreenTitle>
      <ProblemMessage error={programs.error} />
      <form onSubmit={submit} role="search" aria-labelledby="search-heading" className="card narrow">
        <h2 id="search-heading">{t('console.search')}</h2>
        <Select label={t('login.program')} value={chosen} onChange={(e) => setProgram(e.target.value)}>
          {programs.data?.map((p) => <option key={p.key} value={p.key}>{p.name}</option>)}
        </Select>
        <Field label={t('console.searchQuery')} hint={t('console.searchHint')} value={query} onChange={(e) => setQuery(e.target.value)} required maxLength={254} autoComplete="off" />
        <ProblemMessage error={error} />
        <button type="submit" disabled={busy || !chosen}>{t('console.searchSubmit')}</button>
      </form>
      {busy && <Loading />}
      {results && (
        <section className="card" aria-labelledby="results-heading" aria-live="polite">
          <h2 id="results-heading">{t('console.searchResults')}</h2>
          {results.items.length === 0 ? (
            <p>{t('console.searchNone', { program: results.program })}</p>
          ) : (
            <ul data-testid="search-results">
              {results.items.map((m) => (
                <li key={m.id}>
                  <Link to={`/console/members/${m.id}`}>{m.name ?? m.id}</Link>
                  {` · ${m.externalId} · ${m.email ?? '—'} · ${m.phone ?? '—'} · ${date(m.joinedAt)} · `}
                  {`${t('console.matchedOn')}: ${m.matchedOn.map((k) => t(`console.matched.${k}`)).join(', ')}`}
                </li>
              ))}
            </ul>
          )}
          {results.nextCursor && (
            <button type="button" className="secondary" onClick={() => void search(results.nextCursor ?? undefined)}>{t('console.more')}</button>
          )}
        </section>
      )}
      <form onSubmit={open} className="card narrow" aria-labelledby="open-heading">
        <h2 id="open-heading">{t('console.orOpenById')}</h2>
        <Field label={t('console.memberId')} hint={t('console.memberIdHint')} value={id} onChange={(e) => setId(e.target.value)} required pattern="mbr_[0-9a-z]+" />
        <button type="submit" className="secondary">{t('console.open')}</button>
      </form>
    </>
  );
}
