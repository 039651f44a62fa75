import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Checks requests against Twilio's own OpenAPI descriptions (MIT), vendored in
 * vendor/twilio-oai as the subset of operations the kit calls
 * (scripts/vendor-twilio-oai.ts regenerates it): the host and path must name an
 * operation, the method must exist on it, and every path, query and form
 * parameter must be declared and match its schema (type, pattern, enum, length, required).
 */
export const TWILIO_OAI_DIR =
  process.env.TWILIO_OAI_DIR ?? fileURLToPath(new URL('../../vendor/twilio-oai', import.meta.url));

interface Schema {
  type?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: string[];
  items?: Schema;
  $ref?: string;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}

interface OperationSpec {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: {
    content?: Record<
      string,
      { schema?: { properties?: Record<string, Schema>; required?: string[] } }
    >;
  };
}

interface SpecFile {
  servers?: { url: string }[];
  paths: Record<string, Record<string, unknown> & { servers?: { url: string }[] }>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Operation {
  /** Twilio's name for it, e.g. `CreateBuild`: what the fake's handlers are keyed by. */
  operationId: string;
  host: string;
  method: string;
  template: string;
  regex: RegExp;
  pathNames: string[];
  spec: OperationSpec;
  schemas: Record<string, Schema>;
}

export interface RequestToCheck {
  host: string;
  method: string;
  path: string;
  query: URLSearchParams;
  form?: URLSearchParams;
}

export const SPEC_FILES = [
  'twilio_serverless_v1.json',
  'twilio_api_v2010.json',
  'twilio_iam_v1.json',
];

export function loadOperations(files: readonly string[] = SPEC_FILES): Operation[] {
  const operations: Operation[] = [];
  for (const file of files) {
    const spec = JSON.parse(readFileSync(join(TWILIO_OAI_DIR, file), 'utf8')) as SpecFile;
    const schemas = spec.components?.schemas ?? {};
    for (const [template, item] of Object.entries(spec.paths)) {
      const server = item.servers?.[0]?.url ?? spec.servers?.[0]?.url;
      if (!server) continue;
      const host = new URL(server).host;
      const pathNames: string[] = [];
      const pattern = template
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const name = /^\{([^}]+)\}$/.exec(part)?.[1];
          if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
          pathNames.push(name);
          return '([^/]+)';
        })
        .join('');
      for (const method of ['get', 'post', 'delete']) {
        const spec = item[method] as OperationSpec | undefined;
        if (!spec) continue;
        if (!spec.operationId) throw new Error(`${file}: ${method} ${template} has no operationId`);
        operations.push({
          operationId: spec.operationId,
          host,
          method: method.toUpperCase(),
          template,
          regex: new RegExp(`^${pattern}$`),
          pathNames,
          spec,
          schemas,
        });
      }
    }
  }
  return operations;
}

export interface CheckResult {
  operation?: Operation;
  pathParams: Record<string, string>;
  problems: string[];
}

export function checkRequest(
  operations: readonly Operation[],
  request: RequestToCheck,
): CheckResult {
  const onPath = operations.filter(
    (operation) => operation.host === request.host && operation.regex.test(request.path),
  );
  if (onPath.length === 0) {
    return { pathParams: {}, problems: [`no operation for ${request.host}${request.path}`] };
  }
  const operation = onPath.find((candidate) => candidate.method === request.method);
  if (!operation) {
    return {
      pathParams: {},
      problems: [
        `${request.method} not allowed on ${onPath[0]?.template} (spec: ${onPath.map((o) => o.method).join(', ')})`,
      ],
    };
  }
  const problems: string[] = [];
  const match = operation.regex.exec(request.path);
  const pathParams: Record<string, string> = {};
  operation.pathNames.forEach((name, index) => {
    pathParams[name] = decodeURIComponent(match?.[index + 1] ?? '');
  });
  const parameters = operation.spec.parameters ?? [];
  for (const parameter of parameters.filter((p) => p.in === 'path')) {
    checkValue(
      operation,
      parameter.schema,
      pathParams[parameter.name] ?? '',
      `path ${parameter.name}`,
      problems,
    );
  }
  const queryParams = new Map(parameters.filter((p) => p.in === 'query').map((p) => [p.name, p]));
  checkFields(
    operation,
    request.query,
    'query',
    (name) => queryParams.get(name)?.schema,
    [...queryParams.values()].filter((p) => p.required).map((p) => p.name),
    problems,
  );

  const body = operation.spec.requestBody?.content?.['application/x-www-form-urlencoded']?.schema;
  const form = request.form ?? new URLSearchParams();
  if (!body && [...form.keys()].length > 0)
    problems.push(`form body not allowed on ${operation.method} ${operation.template}`);
  if (body) {
    checkFields(
      operation,
      form,
      'form',
      (name) => body.properties?.[name],
      body.required ?? [],
      problems,
    );
  }
  return { operation, pathParams, problems };
}

function checkFields(
  operation: Operation,
  fields: URLSearchParams,
  where: string,
  schemaOf: (name: string) => Schema | undefined,
  required: readonly string[],
  problems: string[],
): void {
  for (const name of new Set(fields.keys())) {
    const schema = schemaOf(name);
    if (!schema) {
      problems.push(`unknown ${where} parameter ${name}`);
      continue;
    }
    const values = fields.getAll(name);
    const resolved = resolve(operation, schema);
    if (values.length > 1 && resolved.type !== 'array') problems.push(`${where} ${name} repeated`);
    for (const value of values)
      checkValue(
        operation,
        resolved.type === 'array' ? resolved.items : resolved,
        value,
        `${where} ${name}`,
        problems,
      );
  }
  for (const name of required) {
    if (!fields.has(name)) problems.push(`missing required ${where} parameter ${name}`);
  }
}

function resolve(operation: Operation, schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split('/').at(-1) ?? '';
  const { $ref: _ref, ...rest } = { ...schema, ...operation.schemas[name] };
  return rest;
}

function checkValue(
  operation: Operation,
  rawSchema: Schema | undefined,
  value: string,
  label: string,
  problems: string[],
): void {
  if (!rawSchema) return;
  const schema = resolve(operation, rawSchema);
  const bad = (why: string) => problems.push(`${label}: ${why}`);
  switch (schema.type) {
    case 'boolean':
      if (value !== 'true' && value !== 'false') bad(`not a boolean (${value})`);
      return;
    case 'integer':
    case 'number': {
      const number = Number(value);
      if (
        value === '' ||
        Number.isNaN(number) ||
        (schema.type === 'integer' && !Number.isInteger(number))
      ) {
        bad(`not an ${schema.type}`);
      } else if (
        (schema.minimum !== undefined && number < schema.minimum) ||
        (schema.maximum !== undefined && number > schema.maximum)
      ) {
        bad('out of range');
      }
      return;
    }
    default:
      break;
  }
  if (schema.enum && !schema.enum.includes(value)) bad(`not one of ${schema.enum.join('|')}`);
  if (schema.minLength !== undefined && value.length < schema.minLength) bad('too short');
  if (schema.maxLength !== undefined && value.length > schema.maxLength) bad('too long');
  if (schema.pattern && !new RegExp(schema.pattern).test(value))
    bad(`does not match ${schema.pattern}`);
  if (schema.format === 'uri' && !/^https?:\/\/[^\s]+$/.test(value)) bad('not a URI');
  if (schema.format === 'http-method' && !['GET', 'POST'].includes(value)) bad('not GET or POST');
}
