import { useState, type FormEvent } from 'react';
import { get, post, type Answer } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Field, Select } from '../../ui/field';
import { ProblemMessage } from '../../ui/problem';
import { useLoad } from '../../ui/use-load';
import { ProblemList } from './problem-list';
import { YamlInput } from './yaml-input';

type Kind = 'program' | 'campaign' | 'sweepstakes';
type Checked = Answer<'/v1/programs/{program}/definition-checks', 'post'>;

/** A program, campaign or sweepstakes file checked as `pointbook serve` would load it; problems at line:column. */
export function DefinitionCheck() {
  const { t } = useI18n();
  const programs = useLoad(() => get('/v1/programs', {}), []);
  const [kind, setKind] = useState<Kind>('campaign');
  const [program, setProgram] = useState('');
  const [fileName, setFileName] = useState('');
  const [text, setText] = useState('');
  const [result, setResult] = useState<Checked | null>(null);
  const [error, setError] = useState<unknown>();
  const chosen = program || programs.data?.[0]?.key || '';

  const check = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setResult(null);
    try {
      setResult(await post('/v1/programs/{program}/definition-checks', { program: chosen }, { kind, text, ...(kind !== 'program' && fileName ? { fileName } : {}) }));
    } catch (e) {
      setError(e);
    }
  };

  return (
    <form className="card" onSubmit={check} aria-labelledby="definitions-heading">
      <h2 id="definitions-heading">{t('console.definitions')}</h2>
      <p className="muted">{t('console.definitionsHint')}</p>
      <Select label={t('console.definitionKind')} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
        {(['program', 'campaign', 'sweepstakes'] as const).map((k) => <option key={k} value={k}>{t(`console.kind.${k}`)}</option>)}
      </Select>
      {kind === 'program' ? (
        <Field label={t('console.definitionProgram')} value={program} onChange={(e) => setProgram(e.target.value)} required pattern="[a-z][a-z0-9]*(-[a-z0-9]+)*" />
      ) : (
        <>
          <Select label={t('login.program')} value={chosen} onChange={(e) => setProgram(e.target.value)}>
            {programs.data?.map((p) => <option key={p.key} value={p.key}>{p.name}</option>)}
          </Select>
          <Field label={t('console.definitionFileName')} value={fileName} onChange={(e) => setFileName(e.target.value)} pattern="[a-z0-9][a-z0-9-]{0,63}\.yaml" />
        </>
      )}
      <YamlInput fileLabel={t('console.definitionFile')} textLabel={t('console.definitionText')} text={text} onText={setText} onFileName={setFileName} />
      <ProblemMessage error={error} />
      <button type="submit">{t('console.check')}</button>
      {result && (
        <div role="status" data-testid="definition-result">
          {result.valid && result.loaded ? (
            <p>{t('console.valid', { kind: t(`console.kind.${result.loaded.kind}`), key: result.loaded.key })}</p>
          ) : (
            <>
              <p><strong>{t('console.invalid', { n: result.problems.length })}</strong></p>
              <ProblemList problems={result.problems} />
            </>
          )}
        </div>
      )}
    </form>
  );
}
