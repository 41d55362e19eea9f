/** Rules: CEL conditions compiled once, and the reasons every decision gives. See README.md. */
export {
  compileCondition,
  ConditionCompileError,
  maxExpressionLength,
  notMetReason,
  type Condition,
  type VariableType,
  type Variables,
} from './cel.js';
export { celContext, CelContext, toCelContext, type CelValue } from './context.js';
export type { Decision, Message, Reason } from './reason.js';
