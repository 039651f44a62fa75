import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { createSecureContext, TLSSocket } from 'node:tls';
import { type StepServer, startStepServer } from '@kit/functions/server';
import twilio from 'twilio';
import { makeTestCertificates } from './certs.js';
import { parseMultipart } from './multipart.js';
import { checkRequest, loadOperations, type Operation } from './openapi.js';

/**
 * A local stand-in for the Twilio REST API, reached the way the real CLIs reach
 * Twilio: it is an HTTPS CONNECT proxy (HTTP_PROXY) that terminates TLS with a
 * certificate from a CA made for the test (NODE_EXTRA_CA_CERTS), so
 * `@twilio-labs/serverless-api` (got + hpagent) and `twilio` (axios +
 * https-proxy-agent) talk to it unchanged. Every request is recorded and checked
 * against Twilio's OpenAPI specs; anything the specs do not allow is a violation.
 * Deployed *.twil.io domains are answered by the real Functions runtime
 * (startStepServer) over exactly the uploaded files and variables.
 */
export interface RecordedRequest {
  host: string;
  method: string;
  path: string;
  /** The spec's path template, e.g. `/v1/Services/{ServiceSid}/Builds`. */
  template?: string;
  query: Record<string, string[]>;
  form: Record<string, string[]>;
  status: number;
  problems: string[];
}

interface Row {
  sid: string;
  [field: string]: unknown;
}

export interface FakeTwilioOptions {
  accountSid: string;
  authToken: string;
  /** Inside the package, so deployed Functions resolve `twilio` like the reference steps. */
  workDir: string;
}

/**
 * The kit's least-privilege rules, checked on every request besides the specs:
 * these variables are never uploaded (the deploy script uses AUTH_TOKEN only to
 * call the API; EMULATOR_SIGNALING_HOST is the local launcher's).
 */
export const NEVER_UPLOADED_VARIABLES: readonly string[] = [
  'AUTH_TOKEN',
  'EMULATOR_SIGNALING_HOST',
];
const SERVICES_PATH = /^\/v1\/Services(?:\/([^/]+))?$/;
const VARIABLES_PATH = /^\/v1\/Services\/[^/]+\/Environments\/[^/]+\/Variables(?:\/[^/]+)?$/;

const UPLOAD_HOST = 'serverless-upload.twilio.com';
const UPLOAD_PATH =
  /^\/v1\/Services\/(ZS[0-9a-f]{32})\/(Functions|Assets)\/(ZH[0-9a-f]{32})\/Versions$/;

export class FakeTwilio {
  readonly requests: RecordedRequest[] = [];
  /** Requests the specs do not allow, unknown hosts, unimplemented operations. */
  readonly violations: string[] = [];
  readonly tables = {
    services: new Map<string, Row>(),
    environments: new Map<string, Row>(),
    functions: new Map<string, Row>(),
    functionVersions: new Map<string, Row & { content: Buffer }>(),
    assets: new Map<string, Row>(),
    assetVersions: new Map<string, Row & { content: Buffer }>(),
    builds: new Map<string, Row>(),
    deployments: new Map<string, Row>(),
    variables: new Map<string, Row>(),
    applications: new Map<string, Row>(),
    keys: new Map<string, Row>(),
  };
  /** Values the deployed domains see instead of the environment's (a stale or edited variable in the Console). */
  servedEnvOverrides: Record<string, string> = {};
  /** Status the next build reports instead of `completed`. */
  nextBuildStatus: 'completed' | 'failed' = 'completed';

  proxyUrl = '';
  caPath = '';
  private readonly operations: Operation[] = loadOperations();
  private readonly proxy: Server;
  private readonly inner: Server;
  private readonly sockets = new Set<Socket>();
  private served: { buildSid: string; server: StepServer; contextToken: string } | undefined;
  /** Stands in for AUTH_TOKEN in the runtime of a service without credentials: not the account's token. */
  private readonly runtimeKey = randomBytes(16).toString('hex');

  private constructor(private readonly options: FakeTwilioOptions) {
    this.inner = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.violations.push(`fake crashed: ${String(error)}`);
        res.writeHead(500).end();
      });
    });
    this.proxy = createServer((req, res) => {
      this.violations.push(`plain HTTP proxy request to ${req.url}`);
      res.writeHead(403).end();
    });
    this.proxy.on('connection', (socket) => this.track(socket));
  }

  static async start(options: FakeTwilioOptions): Promise<FakeTwilio> {
    const fake = new FakeTwilio(options);
    await mkdir(options.workDir, { recursive: true });
    const certs = makeTestCertificates(options.workDir);
    fake.caPath = certs.caPath;
    const context = createSecureContext({ key: certs.key, cert: certs.cert });
    fake.proxy.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const [host = '', port] = (req.url ?? '').split(':');
      if (port !== '443' || !(host.endsWith('.twilio.com') || host.endsWith('.twil.io'))) {
        fake.violations.push(`CONNECT to unexpected host ${req.url}`);
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) socket.unshift(head);
      const tls = new TLSSocket(socket, { isServer: true, secureContext: context });
      tls.on('error', () => socket.destroy());
      fake.inner.emit('connection', tls);
    });
    await new Promise<void>((resolve) => fake.proxy.listen(0, '127.0.0.1', resolve));
    fake.proxyUrl = `http://127.0.0.1:${(fake.proxy.address() as AddressInfo).port}`;
    return fake;
  }

  /** What a child process needs to reach this fake instead of Twilio. */
  childEnv(): Record<string, string> {
    return { HTTP_PROXY: this.proxyUrl, NODE_EXTRA_CA_CERTS: this.caPath };
  }

  /** The same for a request from this process (`requestText`'s `proxy`): Node read NODE_EXTRA_CA_CERTS at its start. */
  requestProxy(): { url: string; ca: Buffer } {
    return { url: this.proxyUrl, ca: readFileSync(this.caPath) };
  }

  async close(): Promise<void> {
    await this.served?.server.close();
    this.served = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.proxy.close(() => resolve()));
  }

  /** Requests to the REST API (not to deployed domains). */
  apiRequests(): RecordedRequest[] {
    return this.requests.filter((recorded) => !recorded.host.endsWith('.twil.io'));
  }

  /** A service made outside the kit (by hand, or by an older kit), as the API would have stored it. */
  addService(uniqueName: string, { includeCredentials }: { includeCredentials: boolean }): Row {
    const row = {
      sid: sid('ZS'),
      account_sid: this.options.accountSid,
      unique_name: uniqueName,
      friendly_name: uniqueName,
      include_credentials: includeCredentials,
      ui_editable: false,
      domain_base: `${uniqueName}-${1000 + Math.floor(Math.random() * 9000)}`,
      date_created: now(),
    };
    this.tables.services.set(row.sid, row);
    return row;
  }

  /** A variable set outside the kit (in the Console, or by an older kit), bypassing the policy checks. */
  addVariable(environmentSid: string, key: string, value: string): Row {
    const environment = this.tables.environments.get(environmentSid);
    if (!environment) throw new Error(`no environment ${environmentSid}`);
    const row = {
      sid: sid('ZV'),
      account_sid: this.options.accountSid,
      service_sid: environment.service_sid,
      environment_sid: environmentSid,
      key,
      value,
    };
    this.tables.variables.set(row.sid, row);
    return row;
  }

  environmentBySuffix(suffix: string): Row | undefined {
    return [...this.tables.environments.values()].find((row) => row.domain_suffix === suffix);
  }

  variablesOf(environmentSid: string): Record<string, string> {
    const values: Record<string, string> = {};
    for (const row of this.tables.variables.values()) {
      if (row.environment_sid === environmentSid) values[String(row.key)] = String(row.value);
    }
    return values;
  }

  /** The Function and asset versions of an environment's active build. */
  activeBuild(environmentSid: string):
    | {
        build: Row;
        functions: (Row & { content: Buffer })[];
        assets: (Row & { content: Buffer })[];
      }
    | undefined {
    const environment = this.tables.environments.get(environmentSid);
    const build = environment?.build_sid
      ? this.tables.builds.get(String(environment.build_sid))
      : undefined;
    if (!build) return undefined;
    const pick = (table: Map<string, Row & { content: Buffer }>, sids: unknown) =>
      (sids as string[])
        .map((sid) => table.get(sid))
        .filter((row): row is Row & { content: Buffer } => row !== undefined);
    return {
      build,
      functions: pick(this.tables.functionVersions, build.function_version_sids),
      assets: pick(this.tables.assetVersions, build.asset_version_sids),
    };
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = (req.headers.host ?? '').split(':')[0] ?? '';
    const url = new URL(req.url ?? '/', `https://${host}`);
    const body = await readBody(req);
    const record: RecordedRequest = {
      host,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: groupParams(url.searchParams),
      form: {},
      status: 0,
      problems: [],
    };
    this.requests.push(record);
    const reply = (status: number, payload?: unknown) => {
      record.status = status;
      if (payload === undefined) res.writeHead(status).end();
      else
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };

    if (host.endsWith('.twil.io')) {
      await this.serveDomain(host, req, body, res, record);
      return;
    }
    if (!this.authorized(req)) {
      reply(401, twilioError(20003, 'Authenticate', 401));
      return;
    }
    if (host === UPLOAD_HOST) {
      this.upload(req, url.pathname, body, record, reply);
      return;
    }

    const contentType = req.headers['content-type'] ?? '';
    const form =
      body.length > 0 && contentType.startsWith('application/x-www-form-urlencoded')
        ? new URLSearchParams(body.toString('utf8'))
        : new URLSearchParams();
    if (body.length > 0 && form.size === 0)
      record.problems.push(`unexpected body (${contentType})`);
    record.form = groupParams(form);
    const check = checkRequest(this.operations, {
      host,
      method: record.method,
      path: url.pathname,
      query: url.searchParams,
      form,
    });
    record.problems.push(...check.problems);
    record.problems.push(...this.policyProblems(host, record.method, url.pathname, form));
    if (check.operation) record.template = check.operation.template;
    if (record.problems.length > 0) {
      this.violations.push(
        `${record.method} ${host}${url.pathname}: ${record.problems.join('; ')}`,
      );
      reply(400, twilioError(20001, record.problems.join('; '), 400));
      return;
    }
    const handler = check.operation && OPERATION_HANDLERS[check.operation.operationId];
    if (!check.operation || !handler) {
      this.violations.push(
        `unimplemented in the fake: ${check.operation?.operationId} (${record.method} ${record.template})`,
      );
      reply(501, twilioError(20001, 'not implemented by the fake', 501));
      return;
    }
    const result = handler({
      fake: this,
      accountSid: this.options.accountSid,
      params: check.pathParams,
      form,
      query: url.searchParams,
    });
    reply(result.status, result.body);
  }

  /**
   * Least privilege, which the specs allow but the kit must never do: create a
   * service whose Functions get the account's credentials (IncludeCredentials
   * defaults to true, so it must be sent as false), switch it on in an update,
   * or put the Auth Token (under its name or any other) into a variable.
   */
  private policyProblems(
    host: string,
    method: string,
    path: string,
    form: URLSearchParams,
  ): string[] {
    if (host !== 'serverless.twilio.com' || method !== 'POST') return [];
    const problems: string[] = [];
    const services = SERVICES_PATH.exec(path);
    if (services) {
      const includeCredentials = form.get('IncludeCredentials');
      const creating = services[1] === undefined;
      if (creating ? includeCredentials !== 'false' : (includeCredentials ?? 'false') !== 'false') {
        problems.push(
          `kit policy: services must have IncludeCredentials=false (got ${includeCredentials ?? 'nothing, which Twilio takes as true'})`,
        );
      }
    }
    if (VARIABLES_PATH.test(path)) {
      const key = form.get('Key');
      if (key !== null && NEVER_UPLOADED_VARIABLES.includes(key)) {
        problems.push(`kit policy: environment variable ${key} must never be uploaded`);
      }
      if (form.get('Value') === this.options.authToken) {
        problems.push(
          `kit policy: the account's Auth Token uploaded as variable ${key ?? '(update)'}`,
        );
      }
    }
    return problems;
  }

  private authorized(req: IncomingMessage): boolean {
    const expected = `Basic ${Buffer.from(`${this.options.accountSid}:${this.options.authToken}`).toString('base64')}`;
    return req.headers.authorization === expected;
  }

  /** Uploads are not in the public specs: checked here against what the upload API takes (Path, Visibility, Content). */
  private upload(
    req: IncomingMessage,
    path: string,
    body: Buffer,
    record: RecordedRequest,
    reply: (status: number, payload?: unknown) => void,
  ): void {
    const match = UPLOAD_PATH.exec(path);
    const problems = record.problems;
    if (req.method !== 'POST' || !match) problems.push(`no upload operation ${req.method} ${path}`);
    let parts: ReturnType<typeof parseMultipart> = [];
    try {
      if (match) parts = parseMultipart(body, req.headers['content-type'] ?? '');
    } catch (error) {
      problems.push(`not multipart/form-data: ${String(error)}`);
    }
    const names = parts.map((part) => part.name).sort();
    if (match && names.join(',') !== 'Content,Path,Visibility')
      problems.push(`upload fields ${names.join(',')}`);
    const field = (name: string) => parts.find((part) => part.name === name);
    const visibility = field('Visibility')?.data.toString('utf8') ?? '';
    const resourcePath = field('Path')?.data.toString('utf8') ?? '';
    if (!['public', 'protected', 'private'].includes(visibility))
      problems.push(`Visibility ${visibility}`);
    if (!resourcePath.startsWith('/')) problems.push(`Path ${resourcePath}`);
    const [, serviceSid = '', kind, resourceSid = ''] = match ?? [];
    const table = kind === 'Functions' ? this.tables.functions : this.tables.assets;
    const resource = table.get(resourceSid);
    if (match && (!resource || resource.service_sid !== serviceSid))
      problems.push(`unknown ${kind} ${resourceSid}`);
    record.template = `/v1/Services/{ServiceSid}/${kind}/{Sid}/Versions (upload)`;
    record.form = { Path: [resourcePath], Visibility: [visibility] };
    if (problems.length > 0) {
      this.violations.push(`upload ${path}: ${problems.join('; ')}`);
      reply(400, twilioError(20001, problems.join('; '), 400));
      return;
    }
    const version = {
      sid: sid('ZN'),
      account_sid: this.options.accountSid,
      service_sid: serviceSid,
      [kind === 'Functions' ? 'function_sid' : 'asset_sid']: resourceSid,
      path: resourcePath,
      visibility,
      date_created: now(),
      content: field('Content')?.data ?? Buffer.alloc(0),
    };
    (kind === 'Functions' ? this.tables.functionVersions : this.tables.assetVersions).set(
      version.sid,
      version,
    );
    const { content: _content, ...json } = version;
    reply(201, json);
  }

  /** A deployed domain: its active build, served by the real runtime with the environment's variables. */
  private async serveDomain(
    host: string,
    req: IncomingMessage,
    body: Buffer,
    res: ServerResponse,
    record: RecordedRequest,
  ): Promise<void> {
    const environment = [...this.tables.environments.values()].find(
      (row) => row.domain_name === host,
    );
    const active = environment ? this.activeBuild(environment.sid) : undefined;
    if (!environment || !active) {
      record.status = 404;
      res.writeHead(404).end();
      return;
    }
    if (this.served?.buildSid !== active.build.sid) {
      // One Functions runtime per process (it sets globals): swap to the build now active.
      await this.served?.server.close();
      const stepDir = join(this.options.workDir, 'deployments', active.build.sid);
      for (const version of [...active.functions, ...active.assets]) {
        const isFunction = 'function_sid' in version;
        const suffix = version.visibility === 'public' ? '' : `.${String(version.visibility)}`;
        const file = isFunction
          ? join(stepDir, 'dist/functions', `${String(version.path).slice(1)}${suffix}.js`)
          : join(stepDir, 'dist/assets', String(version.path).slice(1));
        await mkdir(join(file, '..'), { recursive: true });
        await writeFile(file, version.content);
      }
      await mkdir(join(stepDir, 'dist/assets'), { recursive: true });
      // The service installs the build's dependencies into a CommonJS project, as here.
      const dependencies = Object.fromEntries(
        (active.build.dependencies as { name: string; version: string }[]).map((dependency) => [
          dependency.name,
          dependency.version,
        ]),
      );
      await writeFile(
        join(stepDir, 'package.json'),
        JSON.stringify({ private: true, dependencies }),
      );
      // What the Functions see as `context`: the environment's variables, plus the
      // account's credentials only if the service includes them. The step server
      // checks X-Twilio-Signature with `env.AUTH_TOKEN`; Twilio checks it with the
      // account's token before the Function runs (below), so without credentials
      // the runtime gets a key of the fake's own that opens nothing.
      const service = this.tables.services.get(String(environment.service_sid));
      const includeCredentials = service?.include_credentials === true;
      const contextToken = includeCredentials ? this.options.authToken : this.runtimeKey;
      const server = await startStepServer({
        stepDir,
        env: {
          ...(includeCredentials && { ACCOUNT_SID: this.options.accountSid }),
          ...this.variablesOf(environment.sid),
          ...this.servedEnvOverrides,
          AUTH_TOKEN: contextToken,
        },
      });
      this.served = { buildSid: active.build.sid, server, contextToken };
    }
    const { server: target, contextToken } = this.served;
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host };
    const requestPath = req.url ?? '/';
    const visibility = active.functions.find(
      (version) => version.path === new URL(requestPath, 'https://x').pathname,
    )?.visibility;
    if (visibility === 'protected' && req.method !== 'OPTIONS') {
      // Twilio answers a Protected Function only for requests signed with the account's Auth Token.
      const params = formParams(req, body);
      const signature = req.headers['x-twilio-signature'];
      const url = `https://${host}${requestPath}`;
      if (
        typeof signature !== 'string' ||
        !twilio.validateRequest(this.options.authToken, signature, url, params)
      ) {
        record.status = 401;
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify(twilioError(20003, 'Unauthorized', 401)));
        return;
      }
      // The runtime behind checks again over plain HTTP: sign for it with its key.
      headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(
        contextToken,
        `http://${host}${requestPath}`,
        params,
      );
    }
    await new Promise<void>((resolve, reject) => {
      const forward = request(
        `${target.url}${requestPath}`,
        { method: req.method, headers },
        (answer) => {
          record.status = answer.statusCode ?? 0;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', resolve);
        },
      );
      forward.on('error', reject);
      forward.end(body);
    });
  }
}

/** A request that passed the spec and policy checks, as an operation handler sees it. */
interface OperationRequest {
  fake: FakeTwilio;
  accountSid: string;
  /** Path parameters by the spec's names (`ServiceSid`, `Sid`…). */
  params: Record<string, string>;
  form: URLSearchParams;
  query: URLSearchParams;
}

interface OperationReply {
  status: number;
  body?: unknown;
}

type OperationHandler = (request: OperationRequest) => OperationReply;

const notFound = (): OperationReply => ({
  status: 404,
  body: twilioError(20404, 'The requested resource was not found', 404),
});
const conflict = (message: string): OperationReply => ({
  status: 409,
  body: twilioError(54301, message, 409),
});
const badRequest = (message: string): OperationReply => ({
  status: 400,
  body: twilioError(20001, message, 400),
});
const found = (row: Row | undefined): OperationReply =>
  row ? { status: 200, body: row } : notFound();
const created = (row: Row): OperationReply => ({ status: 201, body: row });
const listed = (key: string, rows: Row[]): OperationReply => ({
  status: 200,
  body: page(key, rows),
});
const deleted = (done: boolean): OperationReply => (done ? { status: 204 } : notFound());

const field = ({ form }: OperationRequest, name: string) => form.get(name) ?? undefined;
/** The service a path names, by SID or unique name (`{ServiceSid}`, or `{Sid}` on the service itself). */
const serviceOf = ({ fake, params }: OperationRequest) =>
  findService(fake.tables.services, params.ServiceSid ?? params.Sid ?? '');
const inService = (table: Map<string, Row>, serviceSid: string) =>
  [...table.values()].filter((row) => row.service_sid === serviceSid);

/** Functions and Assets are alike here: their versions come through the upload host. */
function listResources(kind: 'functions' | 'assets'): OperationHandler {
  return (request) => {
    const owner = serviceOf(request);
    return owner ? listed(kind, inService(request.fake.tables[kind], owner.sid)) : notFound();
  };
}

function createResource(kind: 'functions' | 'assets'): OperationHandler {
  return (request) => {
    const owner = serviceOf(request);
    if (!owner) return notFound();
    const row = {
      sid: sid('ZH'),
      account_sid: request.accountSid,
      service_sid: owner.sid,
      friendly_name: field(request, 'FriendlyName'),
      date_created: now(),
    };
    request.fake.tables[kind].set(row.sid, row);
    return created(row);
  };
}

/** A build finishes on its first fetch, as `nextBuildStatus` says. */
function fetchBuild(statusOnly: boolean): OperationHandler {
  return (request) => {
    const { fake, params } = request;
    const row = fake.tables.builds.get(params.Sid ?? '');
    if (!row || row.service_sid !== serviceOf(request)?.sid) return notFound();
    if (row.status === 'building') {
      row.status = fake.nextBuildStatus;
      fake.nextBuildStatus = 'completed';
    }
    return { status: 200, body: statusOnly ? { sid: row.sid, status: row.status } : row };
  };
}

/** API keys: Api 2010 and IAM v1 share one table (and some operationIds), as in Twilio. */
const listKeys: OperationHandler = ({ fake }) =>
  listed(
    'keys',
    [...fake.tables.keys.values()].map(({ secret: _secret, ...row }) => row as Row),
  );

/**
 * What the fake does for each Twilio operation, keyed by the specs' `operationId`:
 * a new REST call of the kit is one entry here (after vendoring its operation).
 * The spec and policy checks run before any of these, in `handle`.
 */
export const OPERATION_HANDLERS: Readonly<Record<string, OperationHandler>> = {
  // --- Serverless: services
  ListService: ({ fake }) => listed('services', [...fake.tables.services.values()]),
  CreateService: (request) => {
    const { services } = request.fake.tables;
    const uniqueName = field(request, 'UniqueName') ?? '';
    if (findService(services, uniqueName)) return conflict('Unique name already exists');
    const row = {
      sid: sid('ZS'),
      account_sid: request.accountSid,
      unique_name: uniqueName,
      friendly_name: field(request, 'FriendlyName'),
      include_credentials: field(request, 'IncludeCredentials') !== 'false',
      ui_editable: field(request, 'UiEditable') === 'true',
      domain_base: `${uniqueName}-${1000 + Math.floor(Math.random() * 9000)}`,
      date_created: now(),
    };
    services.set(row.sid, row);
    return created(row);
  },
  FetchService: (request) => found(serviceOf(request)),

  // --- environments
  ListEnvironment: (request) => {
    const owner = serviceOf(request);
    return owner
      ? listed('environments', inService(request.fake.tables.environments, owner.sid))
      : notFound();
  },
  CreateEnvironment: (request) => {
    const { environments } = request.fake.tables;
    const owner = serviceOf(request);
    if (!owner) return notFound();
    const suffix = field(request, 'DomainSuffix') ?? '';
    if (inService(environments, owner.sid).some((row) => row.domain_suffix === suffix)) {
      return conflict('Domain suffix already in use');
    }
    const row = {
      sid: sid('ZE'),
      account_sid: request.accountSid,
      service_sid: owner.sid,
      unique_name: field(request, 'UniqueName'),
      domain_suffix: suffix === '' ? null : suffix,
      domain_name: `${owner.domain_base}${suffix === '' ? '' : `-${suffix}`}.twil.io`,
      build_sid: null,
      date_created: now(),
    };
    environments.set(row.sid, row);
    return created(row);
  },
  FetchEnvironment: (request) => {
    const row = request.fake.tables.environments.get(request.params.Sid ?? '');
    return found(row?.service_sid === serviceOf(request)?.sid ? row : undefined);
  },
  DeleteEnvironment: (request) => {
    const { environments, variables } = request.fake.tables;
    const row = environments.get(request.params.Sid ?? '');
    if (!row || row.service_sid !== serviceOf(request)?.sid) return notFound();
    environments.delete(row.sid);
    for (const variable of [...variables.values()]) {
      if (variable.environment_sid === row.sid) variables.delete(variable.sid);
    }
    return deleted(true);
  },

  // --- functions and assets
  ListFunction: listResources('functions'),
  ListAsset: listResources('assets'),
  CreateFunction: createResource('functions'),
  CreateAsset: createResource('assets'),

  // --- builds
  CreateBuild: (request) => {
    const { tables } = request.fake;
    const owner = serviceOf(request);
    if (!owner) return notFound();
    const functionVersions = request.form.getAll('FunctionVersions');
    const assetVersions = request.form.getAll('AssetVersions');
    const unknown = [
      ...functionVersions.filter((version) => !tables.functionVersions.has(version)),
      ...assetVersions.filter((version) => !tables.assetVersions.has(version)),
    ];
    if (unknown.length > 0) return badRequest(`unknown versions ${unknown.join(',')}`);
    const dependencies = field(request, 'Dependencies');
    const row = {
      sid: sid('ZB'),
      account_sid: request.accountSid,
      service_sid: owner.sid,
      status: 'building',
      function_version_sids: functionVersions,
      asset_version_sids: assetVersions,
      // The library wraps the JSON list in double quotes: `"[{...}]"`.
      dependencies:
        dependencies === undefined
          ? []
          : (JSON.parse(dependencies.replace(/^"(.*)"$/s, '$1')) as unknown),
      runtime: field(request, 'Runtime') ?? 'node18',
      date_created: now(),
    };
    tables.builds.set(row.sid, row);
    return created(row);
  },
  FetchBuild: fetchBuild(false),
  FetchBuildStatus: fetchBuild(true),

  // --- variables
  ListVariable: ({ fake, params }) =>
    listed(
      'variables',
      [...fake.tables.variables.values()].filter(
        (row) => row.environment_sid === params.EnvironmentSid,
      ),
    ),
  CreateVariable: (request) => {
    const { environments, variables } = request.fake.tables;
    if (!environments.has(request.params.EnvironmentSid ?? '')) return notFound();
    const row = {
      sid: sid('ZV'),
      account_sid: request.accountSid,
      service_sid: serviceOf(request)?.sid,
      environment_sid: request.params.EnvironmentSid,
      key: field(request, 'Key'),
      value: field(request, 'Value'),
    };
    variables.set(row.sid, row);
    return created(row);
  },
  UpdateVariable: (request) => {
    const row = request.fake.tables.variables.get(request.params.Sid ?? '');
    if (!row) return notFound();
    const key = field(request, 'Key');
    const value = field(request, 'Value');
    if (key !== undefined) row.key = key;
    if (value !== undefined) row.value = value;
    return found(row);
  },
  DeleteVariable: ({ fake, params }) => deleted(fake.tables.variables.delete(params.Sid ?? '')),

  // --- deployments: activation
  CreateDeployment: (request) => {
    const { tables } = request.fake;
    const environment = tables.environments.get(request.params.EnvironmentSid ?? '');
    const build = tables.builds.get(field(request, 'BuildSid') ?? '');
    if (!environment || !build) return notFound();
    if (build.status !== 'completed') return badRequest('build not completed');
    environment.build_sid = build.sid;
    const row = {
      sid: sid('ZD'),
      account_sid: request.accountSid,
      service_sid: environment.service_sid,
      environment_sid: environment.sid,
      build_sid: build.sid,
      date_created: now(),
    };
    tables.deployments.set(row.sid, row);
    return created(row);
  },

  // --- Api 2010: TwiML Apps
  ListApplication: ({ fake, query }) => {
    const friendlyName = query.get('FriendlyName');
    return listed(
      'applications',
      [...fake.tables.applications.values()].filter(
        (row) => friendlyName === null || row.friendly_name === friendlyName,
      ),
    );
  },
  CreateApplication: (request) => {
    const row: Row = {
      sid: sid('AP'),
      account_sid: request.accountSid,
      friendly_name: field(request, 'FriendlyName') ?? null,
      voice_url: null,
      voice_method: 'POST',
      date_created: now(),
    };
    applyApplicationForm(row, request.form);
    request.fake.tables.applications.set(row.sid, row);
    return created(row);
  },
  FetchApplication: ({ fake, params }) => found(fake.tables.applications.get(params.Sid ?? '')),
  UpdateApplication: ({ fake, params, form }) => {
    const row = fake.tables.applications.get(params.Sid ?? '');
    if (row) applyApplicationForm(row, form);
    return found(row);
  },

  // --- API keys (Api 2010's and IAM v1's share CreateNewKey, FetchKey and DeleteKey)
  CreateNewKey: (request) => {
    const row = {
      sid: sid('SK'),
      friendly_name: field(request, 'FriendlyName') ?? null,
      secret: randomBytes(16).toString('hex'),
      date_created: now(),
    };
    request.fake.tables.keys.set(row.sid, row);
    return created(row);
  },
  ListKey: listKeys,
  ListGetKeys: listKeys,
  FetchKey: ({ fake, params }) => {
    const row = fake.tables.keys.get(params.Sid ?? '');
    if (!row) return notFound();
    const { secret: _secret, ...visible } = row;
    return found(visible);
  },
  DeleteKey: ({ fake, params }) => deleted(fake.tables.keys.delete(params.Sid ?? '')),
};

function formParams(req: IncomingMessage, body: Buffer): Record<string, string> {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
    return {};
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}

function applyApplicationForm(row: Row, form: URLSearchParams): void {
  for (const [name, value] of form) {
    row[name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()] = value;
  }
}

function findService(services: Map<string, Row>, sidOrName: string): Row | undefined {
  return (
    services.get(sidOrName) ?? [...services.values()].find((row) => row.unique_name === sidOrName)
  );
}

function page(key: string, rows: Row[]) {
  return {
    [key]: rows,
    meta: {
      key,
      page: 0,
      page_size: 50,
      first_page_url: null,
      previous_page_url: null,
      next_page_url: null,
      url: null,
    },
  };
}

function twilioError(code: number, message: string, status: number) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

function sid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

function now(): string {
  return new Date().toISOString();
}

function groupParams(params: URLSearchParams): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const [name, value] of params) {
    grouped[name] = [...(grouped[name] ?? []), value];
  }
  return grouped;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
