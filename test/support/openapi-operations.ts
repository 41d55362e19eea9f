import type { App } from '../../src/http/app.js';

/**
 * The app's operations as its OpenAPI document states them, for suites generated from the document
 * (RELIABILITY.md E3, K1): a new route is in them the moment it is documented, which every route
 * is (test/http/authorization.test.ts proves the document and the role table agree).
 */

/** The JSON Schema keywords our TypeBox schemas produce. */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

export interface Parameter {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Operation {
  /** As the role table (src/http/access.ts) writes it: `POST /v1/members/:id/adjustments`. */
  route: string;
  method: Method;
  /** `/v1/members/:id/adjustments` */
  path: string;
  params: Parameter[];
  query: Parameter[];
  headers: Parameter[];
  body?: { schema: JsonSchema; required: boolean };
}

const methods: readonly Method[] = ['GET', 'PUT', 'POST', 'PATCH', 'DELETE'];

interface DocumentedParameter {
  in: string;
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

interface DocumentedOperation {
  parameters?: DocumentedParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema: JsonSchema }> };
}

/** Every operation of the document but /docs itself, in document order. */
export function documentedOperations(app: App): Operation[] {
  const paths = (app.swagger().paths ?? {}) as Record<string, Record<string, DocumentedOperation>>;
  return Object.entries(paths).flatMap(([openApiPath, operations]) =>
    Object.entries(operations)
      .filter(([method]) => methods.includes(method.toUpperCase() as Method))
      .map(([method, operation]) => toOperation(method.toUpperCase() as Method, openApiPath, operation))
      .filter((operation) => !operation.path.startsWith('/docs')),
  );
}

/** The operations that change something: every method but GET. */
export function writeOperations(app: App): Operation[] {
  return documentedOperations(app).filter((operation) => operation.method !== 'GET');
}

function toOperation(method: Method, openApiPath: string, operation: DocumentedOperation): Operation {
  const path = openApiPath.replace(/\{(\w+)\}/gu, ':$1');
  const parameters = (operation.parameters ?? []).map((p) => ({ where: p.in, parameter: { name: p.name, schema: p.schema, required: p.required === true } }));
  const of = (where: string) => parameters.filter((p) => p.where === where).map((p) => p.parameter);
  const json = operation.requestBody?.content?.['application/json'];
  return {
    route: `${method} ${path}`,
    method,
    path,
    params: of('path'),
    query: of('query'),
    headers: of('header'),
    ...(json ? { body: { schema: json.schema, required: operation.requestBody?.required === true } } : {}),
  };
}

/** Every property name a schema can hold, at any depth (the fields a client may legitimately send). */
export function propertyNames(schema: JsonSchema | undefined): Set<string> {
  const names = new Set<string>();
  const walk = (s: JsonSchema | undefined): void => {
    if (!s) return;
    for (const [name, child] of Object.entries(s.properties ?? {})) {
      names.add(name);
      walk(child);
    }
    walk(s.items);
    for (const branch of s.anyOf ?? []) walk(branch);
    if (typeof s.additionalProperties === 'object') walk(s.additionalProperties);
  };
  walk(schema);
  return names;
}
