import { Type, type Static } from 'typebox';

/**
 * Decision tables as data (DESIGN.md "Rules as data", decision 40): rows of input cells and an
 * output. A cell matches a fact when it equals it, lists it (`[new, mnp]`) or is absent (any
 * value). Hit policy `first` gives the first matching row; `collect` every matching row, in order.
 * Pure: no I/O, nothing thrown for a fact the table does not know — no row matches.
 */
export type Fact = string | number | boolean | null;
type Scalar = string | number | boolean;

const Cell = Type.Union([Type.String({ maxLength: 100 }), Type.Number(), Type.Boolean(), Type.Array(Type.Union([Type.String({ maxLength: 100 }), Type.Number(), Type.Boolean()]), { minItems: 1, maxItems: 50 })]);

export const decisionTableProperties = {
  hitPolicy: Type.Union([Type.Literal('first'), Type.Literal('collect')]),
  inputs: Type.Array(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9]*$', maxLength: 64 }), { minItems: 1, maxItems: 10 }),
  rules: Type.Array(Type.Object({ when: Type.Record(Type.String(), Cell), then: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }), {
    minItems: 1,
    maxItems: 500,
  }),
};
export const DecisionTableSchema = Type.Object(decisionTableProperties, { additionalProperties: false });

export type DecisionTable = Static<typeof DecisionTableSchema>;
export type CellValue = Static<typeof Cell>;

export function cellMatches(cell: CellValue | undefined, fact: Fact): boolean {
  if (cell === undefined) return true;
  if (Array.isArray(cell)) return (cell as Scalar[]).some((value) => value === fact);
  return cell === fact;
}

/** The outputs of the rows whose every cell matches `facts`: one (or none) for `first`, all for `collect`. */
export function decide<O>(table: DecisionTable, facts: Readonly<Record<string, Fact>>): { row: number; then: O }[] {
  const hits: { row: number; then: O }[] = [];
  for (const [row, rule] of table.rules.entries()) {
    const matches = table.inputs.every((input) => cellMatches(rule.when[input], facts[input] ?? null));
    if (!matches) continue;
    hits.push({ row, then: rule.then as O });
    if (table.hitPolicy === 'first') break;
  }
  return hits;
}

/** Cells naming an input the table does not declare: written by mistake, they would never be read. */
export function undeclaredInputs(table: DecisionTable): { row: number; input: string }[] {
  return table.rules.flatMap((rule, row) => Object.keys(rule.when).filter((input) => !table.inputs.includes(input)).map((input) => ({ row, input })));
}

/** The values a cell accepts; undefined for an absent cell (any value). */
function cellValues(cell: CellValue | undefined): readonly Scalar[] | undefined {
  if (cell === undefined) return undefined;
  return Array.isArray(cell) ? (cell as Scalar[]) : [cell as Scalar];
}

/**
 * Facts two rows both match, input by input (a value, or 'any' where both cells are absent);
 * undefined when some input has no value in common, so no line can match both.
 */
export function commonFacts(table: DecisionTable, a: number, b: number): Record<string, Scalar | 'any'> | undefined {
  const facts: Record<string, Scalar | 'any'> = {};
  for (const input of table.inputs) {
    const left = cellValues(table.rules[a]?.when[input]);
    const right = cellValues(table.rules[b]?.when[input]);
    const shared = left === undefined ? (right ?? ['any' as const]) : right === undefined ? left : left.filter((v) => right.includes(v));
    const first = shared[0];
    if (first === undefined) return undefined;
    facts[input] = first;
  }
  return facts;
}

/** Whether every line row `later` matches is matched by row `earlier` too: under `first`, `later` is never chosen. */
export function covers(table: DecisionTable, earlier: number, later: number): boolean {
  return table.inputs.every((input) => {
    const wide = cellValues(table.rules[earlier]?.when[input]);
    const narrow = cellValues(table.rules[later]?.when[input]);
    return wide === undefined || (narrow !== undefined && narrow.every((v) => wide.includes(v)));
  });
}
