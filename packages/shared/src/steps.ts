import type { EnvVarName } from './env.js';

/**
 * The step catalog: the single source of truth for the workshop's steps.
 * Step folders (`packages/functions/steps/step-NN`), docs pages
 * (`docs/steps/NN-slug.md`), scripts and tests are all checked against it.
 */
export type Visibility = 'public' | 'protected' | 'private';

export interface StepFunction {
  /** The URL path the Function answers on, e.g. `/call`. */
  path: `/${string}`;
  visibility: Visibility;
  /** The previous step's Function this one grows from, under a new name (the file is renamed). */
  renamedFrom?: `/${string}`;
}

export interface StepEnvVar {
  name: EnvVarName;
  required: boolean;
}

export type StepTag = `step-${string}`;

/**
 * A file the attendee uploads in the Twilio Console (Functions → Assets → Add+ →
 * Upload File), one at a time, typing its path by hand: so few files, flat names.
 */
export interface ConsoleAsset {
  /** The path typed in the Console; Twilio serves the asset at this URL path. */
  path: `/${string}`;
  visibility: Visibility;
  /** The file to upload, from the phone's build (`packages/browser-phone/dist`). */
  file: string;
  /** Japanese, one line: what the file is. */
  description: string;
}

/** Most files a step may ask the attendee to upload by hand. */
export const CONSOLE_ASSET_LIMIT = 3;

/**
 * The browser phone as the Console takes it: one page with its script, styles
 * and sounds inside (the sounds are generated in the browser). The phone's
 * build holds exactly these files, and a test serves exactly these.
 */
export const PHONE_CONSOLE_ASSETS: readonly ConsoleAsset[] = [
  {
    path: '/index.html',
    visibility: 'public',
    file: 'index.html',
    description:
      'ブラウザ電話のページ。JavaScript(Voice SDK を含む)と CSS はこの 1 ファイルに入り、着信音などはブラウザの中で作るので、ほかのファイルは要りません',
  },
];

export interface Step {
  number: number;
  tag: StepTag;
  slug: string;
  /** Japanese title, as on the docs page. */
  title: string;
  functions: readonly StepFunction[];
  env: readonly StepEnvVar[];
  /** Whether the browser phone is part of this step's assets. */
  servesPhone: boolean;
  /** What the attendee uploads as assets in the Console (the phone's files); empty if nothing. */
  consoleAssets: readonly ConsoleAsset[];
  /** Whether the step folder declares its TwiML App (`twiml-app.json`: Voice URL and method). */
  configuresTwimlApp: boolean;
  /** Bonus steps are optional in the room. */
  bonus: boolean;
}

const required = (name: EnvVarName): StepEnvVar => ({ name, required: true });
const optional = (name: EnvVarName): StepEnvVar => ({ name, required: false });

const tokenEnv = [
  required('ACCOUNT_SID'),
  required('API_KEY'),
  required('API_SECRET'),
  required('TWIML_APP_SID'),
];

/** Hardened token and call settings, from step 03 on. */
const callEnv = [...tokenEnv, required('AUTH_TOKEN'), optional('TOKEN_TTL_SECONDS')];

/** Step 04 puts the phone on the web: the token endpoint gets a passcode and a CORS allowlist. */
const publicPhoneEnv = [...callEnv, optional('WORKSHOP_PASSCODE'), optional('ALLOWED_ORIGINS')];

const callFunctions: readonly StepFunction[] = [
  { path: '/voice-token', visibility: 'public', renamedFrom: '/token' },
  { path: '/call', visibility: 'protected' },
];

export const STEPS: readonly Step[] = [
  {
    number: 1,
    tag: 'step-01',
    slug: 'function',
    title: 'Twilio Functions を作る',
    functions: [
      { path: '/hello-voice', visibility: 'public' },
      { path: '/hello-json', visibility: 'public' },
      { path: '/hello-response', visibility: 'public' },
    ],
    env: [],
    servesPhone: false,
    consoleAssets: [],
    configuresTwimlApp: false,
    bonus: false,
  },
  {
    number: 2,
    tag: 'step-02',
    slug: 'access-token',
    title: 'アクセストークンを発行する',
    functions: [{ path: '/token', visibility: 'public' }],
    env: tokenEnv,
    servesPhone: false,
    consoleAssets: [],
    configuresTwimlApp: false,
    bonus: false,
  },
  {
    number: 3,
    tag: 'step-03',
    slug: 'call-endpoint',
    title: '電話番号を使わずに通話する(/call)',
    functions: callFunctions,
    env: callEnv,
    servesPhone: false,
    consoleAssets: [],
    configuresTwimlApp: false,
    bonus: false,
  },
  {
    number: 4,
    tag: 'step-04',
    slug: 'twiml-app',
    title: 'TwiML App とブラウザ電話',
    functions: callFunctions,
    env: publicPhoneEnv,
    servesPhone: true,
    consoleAssets: PHONE_CONSOLE_ASSETS,
    configuresTwimlApp: true,
    bonus: false,
  },
  {
    number: 5,
    tag: 'step-05',
    slug: 'token-service',
    title: '(おまけ)複数プロダクト対応のトークンサービス',
    functions: [{ path: '/token', visibility: 'public', renamedFrom: '/voice-token' }],
    env: [
      required('ACCOUNT_SID'),
      required('API_KEY'),
      required('API_SECRET'),
      optional('TWIML_APP_SID'),
      optional('CONVERSATIONS_SERVICE_SID'),
      optional('SYNC_SERVICE_SID'),
      optional('TOKEN_TTL_SECONDS'),
      optional('WORKSHOP_PASSCODE'),
      optional('ALLOWED_ORIGINS'),
    ],
    servesPhone: false,
    consoleAssets: [],
    configuresTwimlApp: false,
    bonus: true,
  },
];

export function stepTag(stepNumber: number): StepTag {
  return `step-${String(stepNumber).padStart(2, '0')}`;
}

/** Finds a step by number (`3`) or by text as typed on a command line (`3`, `03`, `step-03`). */
export function findStep(ref: number | string): Step | undefined {
  const text = String(ref)
    .trim()
    .replace(/^step-/, '');
  if (!/^\d{1,2}$/.test(text)) return undefined;
  const stepNumber = Number(text);
  return STEPS.find((step) => step.number === stepNumber);
}

/** `steps/03-call-endpoint.md`, relative to the docs root. */
export function stepDocPath(step: Step): string {
  return `steps/${step.tag.slice('step-'.length)}-${step.slug}.md`;
}

/** The Function's source file inside a step, e.g. `call.protected.ts`; twilio-run reads visibility from it. */
export function functionFileName(fn: StepFunction, extension: 'ts' | 'js' = 'ts'): string {
  const suffix = fn.visibility === 'public' ? '' : `.${fn.visibility}`;
  return `${fn.path.slice(1)}${suffix}.${extension}`;
}

/** The last step that serves the phone: what `pnpm dev` runs. */
export function finishedPhoneStep(): Step {
  const step = STEPS.filter((candidate) => candidate.servesPhone).at(-1);
  if (!step) throw new Error('step catalog has no step that serves the phone');
  return step;
}

/** The URL path of the phone's page in a step that serves it (`/index.html`), else null. */
export function phonePagePath(step: Step): `/${string}` | null {
  return step.consoleAssets.find((asset) => asset.file.endsWith('.html'))?.path ?? null;
}

/** A change to the learner's folder that a step asks for, from the catalog's Function lists. */
export type FileChange =
  | { kind: 'create'; file: string }
  | { kind: 'rename'; from: string; file: string }
  | { kind: 'delete'; file: string };

/**
 * What `step:start N` asks of a folder holding step N−1's code: Functions to
 * create, rename and delete (`src/functions/…`), and `twiml-app.json` when the
 * step declares the TwiML App for the first time.
 */
export function fileChangesFor(step: Step): FileChange[] {
  const previous = STEPS.find((candidate) => candidate.number === step.number - 1);
  const before = new Map((previous?.functions ?? []).map((fn) => [fn.path, fn]));
  const changes: FileChange[] = [];
  const kept = new Set<string>();
  for (const fn of step.functions) {
    const file = `src/functions/${functionFileName(fn)}`;
    const same = before.get(fn.path);
    const origin = fn.renamedFrom ? before.get(fn.renamedFrom) : undefined;
    if (same && same.visibility === fn.visibility) kept.add(fn.path);
    else if (origin && !step.functions.some((other) => other.path === origin.path)) {
      kept.add(origin.path);
      changes.push({ kind: 'rename', from: `src/functions/${functionFileName(origin)}`, file });
    } else changes.push({ kind: 'create', file });
  }
  for (const fn of previous?.functions ?? []) {
    if (!kept.has(fn.path) && !step.functions.some((other) => other.path === fn.path)) {
      changes.push({ kind: 'delete', file: `src/functions/${functionFileName(fn)}` });
    }
  }
  if (step.configuresTwimlApp && !previous?.configuresTwimlApp) {
    changes.push({ kind: 'create', file: 'twiml-app.json' });
  }
  return changes;
}

/** `作る: src/functions/call.protected.ts`: one line per change, in Japanese, as step:start and the pages say them. */
export function describeFileChanges(step: Step): string[] {
  const labels = {
    create: '作る:       ',
    rename: '名前を変える: ',
    delete: '削除する:   ',
  } as const;
  return fileChangesFor(step).map(
    (change) =>
      `${labels[change.kind]}${change.kind === 'rename' ? `${change.from} → ` : ''}${change.file}`,
  );
}
