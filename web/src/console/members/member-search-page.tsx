import { useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/i18n';
import { navigate } from '../../router';
import { Field } from '../../ui/field';
import { ScreenTitle } from '../../ui/shell';

/**
 * Opens a member's page by their id (mbr_…), as support reads it from a ticket or an export.
 * The API has no search by name, email or customer id yet; see the note in README (web).
 */
export function MemberSearchPage() {
  const { t } = useI18n();
  const [id, setId] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(`/console/members/${encodeURIComponent(id.trim())}`);
  };
  return (
    <>
      <ScreenTitle>{t('console.members')}</ScreenTitle>
      <form onSubmit={submit} role="search" className="card narrow">
        <Field label={t('console.memberId')} hint={t('console.memberIdHint')} value={id} onChange={(e) => setId(e.target.value)} required pattern="mbr_[0-9a-z]+" />
        <button type="submit">{t('console.open')}</button>
      </form>
    </>
  );
}
