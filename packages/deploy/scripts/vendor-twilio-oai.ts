/**
 * Regenerates vendor/twilio-oai/ from Twilio's published OpenAPI descriptions
 * (github.com/twilio/twilio-oai, MIT): only the operations the kit calls, so the
 * fake Twilio in test/support checks every request against Twilio's own schemas
 * without a 2 MB copy of the whole API in the repository.
 *
 *   pnpm --filter @kit/deploy exec tsx scripts/vendor-twilio-oai.ts <folder with the full twilio_*.json and LICENSE>
 *
 * Adding a REST call to the kit: add its path and method below, rerun, commit the result.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Method = 'get' | 'post' | 'delete';

/** Per spec file: path template → the methods the kit (and its fake) use. */
export const OPERATIONS_USED: Record<string, Record<string, Method[]>> = {
  'twilio_serverless_v1.json': {
    '/v1/Services': ['get', 'post'],
    '/v1/Services/{Sid}': ['get'],
    '/v1/Services/{ServiceSid}/Environments': ['get', 'post'],
    '/v1/Services/{ServiceSid}/Environments/{Sid}': ['get', 'delete'],
    '/v1/Services/{ServiceSid}/Functions': ['get', 'post'],
    '/v1/Services/{ServiceSid}/Assets': ['get', 'post'],
    '/v1/Services/{ServiceSid}/Builds': ['post'],
    '/v1/Services/{ServiceSid}/Builds/{Sid}': ['get'],
    '/v1/Services/{ServiceSid}/Builds/{Sid}/Status': ['get'],
    '/v1/Services/{ServiceSid}/Environments/{EnvironmentSid}/Variables': ['get', 'post'],
    '/v1/Services/{ServiceSid}/Environments/{EnvironmentSid}/Variables/{Sid}': ['post', 'delete'],
    '/v1/Services/{ServiceSid}/Environments/{EnvironmentSid}/Deployments': ['post'],
  },
  'twilio_api_v2010.json': {
    '/2010-04-01/Accounts/{AccountSid}/Applications.json': ['get', 'post'],
    '/2010-04-01/Accounts/{AccountSid}/Applications/{Sid}.json': ['get', 'post'],
    '/2010-04-01/Accounts/{AccountSid}/Keys.json': ['get', 'post'],
    '/2010-04-01/Accounts/{AccountSid}/Keys/{Sid}.json': ['get', 'delete'],
  },
  'twilio_iam_v1.json': {
    '/v1/Keys': ['get', 'post'],
    '/v1/Keys/{Sid}': ['get', 'delete'],
  },
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const VENDOR_DIR = join(dirname(fileURLToPath(import.meta.url)), '../vendor/twilio-oai');

/** The `#/components/schemas/X` names reachable from a value, followed through the schemas themselves. */
function referencedSchemas(root: Json, schemas: JsonObject): Set<string> {
  const found = new Set<string>();
  const visit = (value: Json): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const ref = value.$ref;
      if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
        const name = ref.slice('#/components/schemas/'.length);
        if (!found.has(name)) {
          found.add(name);
          visit(schemas[name] ?? null);
        }
      }
      Object.values(value).forEach(visit);
    }
  };
  visit(root);
  return found;
}

export function subsetSpec(full: JsonObject, used: Record<string, Method[]>): JsonObject {
  const paths: JsonObject = {};
  for (const [template, methods] of Object.entries(used)) {
    const item = (full.paths as JsonObject)[template] as JsonObject | undefined;
    if (!item) throw new Error(`${template} is not in the spec`);
    const kept: JsonObject = {};
    for (const [key, value] of Object.entries(item)) {
      const isMethod = ['get', 'post', 'delete', 'put', 'patch'].includes(key);
      if (!isMethod || methods.includes(key as Method)) kept[key] = value;
    }
    for (const method of methods)
      if (!(method in kept))
        throw new Error(`${method.toUpperCase()} ${template} is not in the spec`);
    paths[template] = kept;
  }
  const components = full.components as JsonObject;
  const allSchemas = (components.schemas ?? {}) as JsonObject;
  const names = [...referencedSchemas(paths, allSchemas)].sort();
  return {
    openapi: full.openapi ?? null,
    info: full.info ?? null,
    servers: full.servers ?? null,
    security: full.security ?? null,
    paths,
    components: {
      securitySchemes: components.securitySchemes ?? {},
      schemas: Object.fromEntries(names.map((name) => [name, allSchemas[name] ?? null])),
    },
  };
}

function main(sourceDir: string | undefined): void {
  if (!sourceDir) {
    console.error('使い方: vendor-twilio-oai.ts <twilio-oai の JSON があるフォルダー>');
    console.error('usage: vendor-twilio-oai.ts <folder with the full twilio_*.json and LICENSE>');
    process.exit(2);
  }
  mkdirSync(VENDOR_DIR, { recursive: true });
  for (const [file, used] of Object.entries(OPERATIONS_USED)) {
    const full = JSON.parse(readFileSync(join(sourceDir, file), 'utf8')) as JsonObject;
    const subset = subsetSpec(full, used);
    writeFileSync(join(VENDOR_DIR, file), `${JSON.stringify(subset, null, 1)}\n`);
    console.log(`${file}: ${Object.keys(subset.paths as JsonObject).length} paths`);
  }
  copyFileSync(join(sourceDir, 'LICENSE'), join(VENDOR_DIR, 'LICENSE'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv[2]);
