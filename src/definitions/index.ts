/** Definition files: YAML read with a size limit, parsed with positions, checked against a TypeBox schema. */
export {
  DefinitionLoadError,
  formatProblem,
  inFileOrder,
  type Checked,
  type DefinitionLoadProblem,
  type DefinitionPath,
  type DefinitionProblem,
} from './problems.js';
export { readDefinition, readDefinitionText, type DefinitionFileOptions } from './read.js';
export { parseDefinition, type ParsedDefinition, type ParseOptions } from './parse.js';
export { locate, locateProblems, positionOf, type Position } from './locate.js';
export { describeError, schemaProblems, shown, type Wording } from './schema-problems.js';
