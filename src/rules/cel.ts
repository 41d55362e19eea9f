import { Environment, EvaluationError, ParseError, TypeError as CelTypeError, type ParseResult } from '@marcbachmann/cel-js';
import { assert } from '../errors.js';
import { CelContext, toCelContext } from './context.js';
import type { Decision, Reason } from './reason.js';

/**
 * Conditions are CEL expressions (DESIGN.md "Rules as data"), parsed and type-checked once: the
 * program loader compiles every `when` at load, so a bad one is refused with its file and line,
 * and later compilations of the same text are a map lookup. Evaluating never throws for a
 * business outcome: false, a missing field or a value of the wrong type is a failed condition
 * whose reason names the expression.
 */

/** The CEL types a rule's variables may have; `timestamp` holds instants (see context.ts). */
export type VariableType = 'map' | 'list' | 'int' | 'double' | 'string' | 'bool' | 'timestamp';
export type Variables = Readonly<Record<string, VariableType>>;

export interface Condition {
  /** The expression as written. */
  readonly source: string;
  /** The id of the rule it belongs to, named in every reason. */
  readonly rule: string;
  /**
   * Evaluates against `context`: JS values (converted as context.ts says) or a CelContext converted
   * before. Never throws for a normal false.
   */
  evaluate(context: Readonly<Record<string, unknown>> | CelContext): Decision;
}

/** Thrown by `compileCondition` for an expression that does not parse or type-check. */
export class ConditionCompileError extends Error {
  readonly expression: string;
  /** CEL's one-line reason, without the source excerpt. */
  readonly summary: string;
  /** 1-based character in `expression` where CEL found the problem; undefined when it does not say. */
  readonly position: number | undefined;

  constructor(expression: string, summary: string, position: number | undefined) {
    const where = position === undefined ? '' : ` at character ${position}`;
    super(`CEL: ${summary}${where} of ${JSON.stringify(expression)}`);
    this.name = 'ConditionCompileError';
    this.expression = expression;
    this.summary = summary;
    this.position = position;
  }
}

/** A page of conditions is a mistake, not a rule. */
export const maxExpressionLength = 2000;
const limits = { maxAstNodes: 500, maxDepth: 32, maxListElements: 100, maxMapEntries: 100, maxCallArguments: 8 };
/** Distinct expressions kept compiled; a process loading more is not running program files. */
const maxCached = 10_000;

const celTypeNames: Record<VariableType, string> = {
  map: 'map',
  list: 'list',
  int: 'int',
  double: 'double',
  string: 'string',
  bool: 'bool',
  timestamp: 'google.protobuf.Timestamp',
};

const environments = new Map<string, Environment>();
const compiled = new Map<string, ParseResult>();

/**
 * Parses and type-checks `source` over `variables` (an unknown variable is an error), and
 * requires a boolean result. Throws ConditionCompileError with CEL's message when it is not valid.
 */
export function compileCondition(source: string, variables: Variables, options: { rule?: string } = {}): Condition {
  const rule = options.rule ?? 'condition';
  const parsed = parsedCondition(source, variables);
  return Object.freeze({ source, rule, evaluate: (context: Readonly<Record<string, unknown>> | CelContext) => run(parsed, source, rule, context) });
}

function parsedCondition(source: string, variables: Variables): ParseResult {
  const environmentKey = keyOf(variables);
  const cacheKey = `${environmentKey}\n${source}`;
  const cached = compiled.get(cacheKey);
  if (cached !== undefined) return cached;
  if (source.trim() === '') throw new ConditionCompileError(source, 'the expression is empty', undefined);
  if (source.length > maxExpressionLength) {
    throw new ConditionCompileError(source, `the expression is ${source.length} characters; at most ${maxExpressionLength}`, undefined);
  }
  const parsed = parseChecked(environmentFor(environmentKey, variables), source);
  if (compiled.size < maxCached) compiled.set(cacheKey, parsed);
  return parsed;
}

function parseChecked(environment: Environment, source: string): ParseResult {
  let parsed: ParseResult;
  try {
    parsed = environment.parse(source);
  } catch (error) {
    if (error instanceof ParseError) throw new ConditionCompileError(source, error.summary, positionOf(error.range));
    throw error;
  }
  const check = parsed.check();
  if (!check.valid) {
    const summary = check.error?.summary ?? 'the expression does not type-check';
    throw new ConditionCompileError(source, summary, positionOf(check.error?.range));
  }
  // `dyn` is a field of a map, whose type is known only when evaluated.
  if (check.type !== 'bool' && check.type !== 'dyn') {
    throw new ConditionCompileError(source, `a condition must be true or false, but this gives ${check.type ?? 'no value'}`, undefined);
  }
  return parsed;
}

function run(parsed: ParseResult, source: string, rule: string, context: Readonly<Record<string, unknown>> | CelContext): Decision {
  const values = context instanceof CelContext ? context.values : toCelContext(context);
  let value: unknown;
  try {
    value = parsed(values);
  } catch (error) {
    // A missing key or a value of another type than the rule expects: the facts do not satisfy it.
    if (error instanceof EvaluationError || error instanceof CelTypeError) return failed(errorReason(rule, source, error.summary));
    throw error;
  }
  if (value === true) return { ok: true };
  if (value === false) return failed(notMetReason(rule, source));
  return failed(errorReason(rule, source, `it gave ${typeof value}, not true or false`));
}

function failed(reason: Reason): Decision {
  return { ok: false, reasons: [reason] };
}

export function notMetReason(rule: string, expression: string): Reason {
  return {
    rule,
    code: 'condition_not_met',
    message: {
      ja: `ルール「${rule}」の条件を満たしていません: ${expression}`,
      en: `Condition of rule "${rule}" is not met: ${expression}`,
    },
    params: { expression },
  };
}

function errorReason(rule: string, expression: string, error: string): Reason {
  return {
    rule,
    code: 'condition_not_evaluable',
    message: {
      ja: `ルール「${rule}」の条件を評価できませんでした（${error}）: ${expression}`,
      en: `Condition of rule "${rule}" could not be evaluated (${error}): ${expression}`,
    },
    params: { expression, error },
  };
}

function environmentFor(key: string, variables: Variables): Environment {
  const existing = environments.get(key);
  if (existing !== undefined) return existing;
  const environment = new Environment({ limits });
  for (const [name, type] of Object.entries(variables)) {
    assert(Object.hasOwn(celTypeNames, type), `unknown CEL variable type ${type}`);
    environment.registerVariable(name, celTypeNames[type]);
  }
  environments.set(key, environment);
  return environment;
}

const keys = new WeakMap<Variables, string>();

function keyOf(variables: Variables): string {
  const known = keys.get(variables);
  if (known !== undefined) return known;
  const key = Object.entries(variables)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, type]) => `${name}:${type}`)
    .join(',');
  keys.set(variables, key);
  return key;
}

function positionOf(range: { start: number } | undefined): number | undefined {
  return range === undefined ? undefined : range.start + 1;
}
