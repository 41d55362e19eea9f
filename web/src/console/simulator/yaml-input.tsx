import { useId, type ChangeEvent } from 'react';

/** A YAML file, chosen from disk or pasted: the file's text lands in the text area, where it can be edited. */
export function YamlInput({ fileLabel, textLabel, text, onText, onFileName }: { fileLabel: string; textLabel: string; text: string; onText(text: string): void; onFileName?(name: string): void }) {
  const id = useId();
  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    onFileName?.(file.name);
    onText(await file.text());
  };
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-file`}>{fileLabel}</label>
        <input id={`${id}-file`} type="file" accept=".yaml,.yml,text/yaml" onChange={(e) => void choose(e)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-text`}>{textLabel}</label>
        <textarea id={`${id}-text`} className="mono" rows={14} spellCheck={false} value={text} onChange={(e) => onText(e.target.value)} required />
      </div>
    </>
  );
}
