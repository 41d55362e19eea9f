import { useI18n } from '../../i18n/i18n';

export interface LineProblem {
  line: number;
  column: number;
  message: string;
}

/** Problems of a YAML file at their line and column (line 0: the whole file). */
export function ProblemList({ problems }: { problems: LineProblem[] }) {
  const { t } = useI18n();
  return (
    <ul className="problems" data-testid="problems">
      {problems.map((p, i) => (
        <li key={i}>
          {p.line > 0 && <span className="mono">{t('console.problemAt', { line: p.line, column: p.column })}: </span>}
          {p.message}
        </li>
      ))}
    </ul>
  );
}
