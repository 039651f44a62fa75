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
  { path: '/voice-token', visibility: 'public' },
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
    functions: [{ path: '/token', visibility: 'public' }],
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
