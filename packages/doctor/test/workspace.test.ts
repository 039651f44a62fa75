import { once } from 'node:events';
import { cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FUNCTIONS_PACKAGE_DIR, referenceStepDir } from '@kit/functions/steps-dir';
import { findStep, KIT_SERVER_INFO_PATH, type KitServerInfo, type Step } from '@kit/shared';
import { identifyPort, type RunningKit } from '@kit/shared/kits';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../src/check.js';
import { checkLocal } from '../src/local.js';
import { buildReport, formatText } from '../src/report.js';
import { checkWorkspace } from '../src/workspace.js';
import { envFixture } from './support/fixtures.js';
import { failure, freePortPair, runDoctor } from './support/run-doctor.js';

/**
 * `pnpm run doctor --step N --workspace`: the learner's folder, not the
 * finished code. The checks are called in-process on seeded folders; one run
 * of the real CLI shows the flag, the folder (KIT_WORKSPACE_DIR, as the
 * launcher reads it) and the exit code together.
 * Seeded folders live inside @kit/functions, as the real one does, so a
 * started folder resolves the same packages.
 */
const SCRATCH_ROOT = join(FUNCTIONS_PACKAGE_DIR, '.test-workspaces');
let scratch: string;
let seeded = 0;

beforeAll(async () => {
  await mkdir(SCRATCH_ROOT, { recursive: true });
  scratch = await mkdtemp(join(SCRATCH_ROOT, 'doctor-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

function stepOf(number: number): Step {
  const step = findStep(number);
  if (!step) throw new Error(`no step ${number}`);
  return step;
}

/** A copy of a finished step's sources, changed by `edit` the way a learner's folder differs. */
async function seed(from: number, edit: (dir: string) => Promise<void> = async () => {}) {
  seeded += 1;
  const dir = join(scratch, `ws-${seeded}`, 'workspace');
  const reference = referenceStepDir(stepOf(from));
  await mkdir(dir, { recursive: true });
  for (const entry of ['src', 'package.json', '.twilioserverlessrc', 'twiml-app.json']) {
    await cp(join(reference, entry), join(dir, entry), { recursive: true }).catch(() => {});
  }
  await edit(dir);
  return dir;
}

const functionFile = (dir: string, name: string) => join(dir, 'src/functions', name);
const HELLO = 'exports.handler = (context, event, callback) => callback(null, {});\n';
const byStatus = (checks: Check[], status: Check['status']) =>
  checks.filter((check) => check.status === status);

describe('doctor --workspace: the folder, read from its files', () => {
  it('passes a folder that is the finished step', async () => {
    const dir = await seed(4);
    const { list, usable } = await checkWorkspace(stepOf(4), dir);
    expect(usable).toBe(true);
    expect(byStatus(list.checks, 'fail')).toEqual([]);
    expect(byStatus(list.checks, 'warn')).toEqual([]);
    expect(list.checks.map((check) => check.id)).toEqual([
      'workspace.folder',
      'workspace.function.voice-token',
      'workspace.function.call',
      'workspace.twiml-app',
    ]);
  });

  it('flags a voiceUrl of /call.protected, quoting it with the fix, and the report fails', async () => {
    const dir = await seed(4, (at) =>
      writeFile(
        join(at, 'twiml-app.json'),
        '{ "voiceUrl": "/call.protected", "voiceMethod": "POST" }\n',
      ),
    );
    const step = stepOf(4);
    const { list } = await checkWorkspace(step, dir);
    const [problem, ...others] = byStatus(list.checks, 'fail');
    expect(others).toEqual([]);
    expect(problem?.id).toBe('workspace.twiml-app');
    expect(problem?.message).toContain('voiceUrl "/call.protected" に当たる Function がありません');
    expect(problem?.message).toContain('call.protected.ts のパスは /call です');
    expect(problem?.fix).toBe(
      'twiml-app.json の "voiceUrl": "/call.protected" を "voiceUrl": "/call" にする',
    );
    // As printed: the ✗ line, the fix under it, and the failing verdict (exit 1).
    const report = buildReport(step, 'local', '.env', { node: 'v20', pnpm: null }, list.checks);
    expect(report.ok).toBe(false);
    expect(formatText(report)).toContain(
      `  ✗ ${problem?.message}\n      → twiml-app.json の "voiceUrl": "/call.protected" を "voiceUrl": "/call" にする\n`,
    );
  });

  it('names leftover hello-*.ts at step 3 as extra Functions of step 1, and no rename of call.protected.ts', async () => {
    const dir = await seed(3, async (at) => {
      await writeFile(functionFile(at, 'hello-voice.ts'), HELLO);
      await writeFile(functionFile(at, 'hello-json.ts'), HELLO);
    });
    const { list } = await checkWorkspace(stepOf(3), dir);
    const failures = byStatus(list.checks, 'fail');
    expect(failures.map((check) => check.id)).toEqual([
      'workspace.extra.hello-json',
      'workspace.extra.hello-voice',
    ]);
    expect(failures[1]?.message).toBe(
      'src/functions/hello-voice.ts は手順3 にない Function です(手順1 の /hello-voice。手順2 で不要になりました)。',
    );
    expect(failures[1]?.fix).toContain('src/functions/hello-voice.ts を削除する');
    expect(list.checks.map((check) => check.fix ?? '').join('\n')).not.toContain(
      '名前を call.protected.ts',
    );
  });

  it('names the rename for step 2’s token.ts at step 3, and the visibility for call.ts', async () => {
    const dir = await seed(3, async (at) => {
      await rename(functionFile(at, 'voice-token.ts'), functionFile(at, 'token.ts'));
      await rename(functionFile(at, 'call.protected.ts'), functionFile(at, 'call.ts'));
    });
    const { list } = await checkWorkspace(stepOf(3), dir);
    const fixes = byStatus(list.checks, 'fail').map((check) => check.fix);
    expect(fixes).toEqual([
      'src/functions/call.ts の名前を call.protected.ts に変える',
      'src/functions/token.ts の名前を voice-token.ts に変える(手順3 では /voice-token です)',
    ]);
  });

  it('never renames a leftover of an earlier step into a missing Function', async () => {
    const dir = await seed(3, async (at) => {
      await rm(functionFile(at, 'voice-token.ts'));
      await writeFile(functionFile(at, 'hello-voice.ts'), HELLO);
    });
    const { list } = await checkWorkspace(stepOf(3), dir);
    const fixes = byStatus(list.checks, 'fail').map((check) => check.fix ?? '');
    expect(fixes[0]).toContain('src/functions/voice-token.ts を作る');
    expect(fixes[1]).toContain('src/functions/hello-voice.ts を削除する');
    expect(fixes.join('\n')).not.toContain('の名前を voice-token.ts に変える');
  });

  it('says to start the step when there is no folder, and leaves the run alone', async () => {
    const { list, usable } = await checkWorkspace(stepOf(4), join(scratch, 'nothing-here'));
    expect(usable).toBe(false);
    expect(byStatus(list.checks, 'fail')[0]?.fix).toBe('pnpm step:start 4');
  });
});

/** A kit as the discovery finds it, answering only /kit/server.json (nothing else is asked of it here). */
async function fakeKit(info: Omit<KitServerInfo, 'kit' | 'functions'>) {
  const server = createServer((request, response) => {
    if (request.url !== KIT_SERVER_INFO_PATH) return void response.writeHead(404).end();
    response.setHeader('content-type', 'application/json');
    const functions = [
      { path: '/voice-token', visibility: 'public' },
      { path: '/call', visibility: 'protected' },
    ];
    response.end(JSON.stringify({ kit: 'browser-phone-kit', functions, ...info }));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const holder = await identifyPort((server.address() as AddressInfo).port);
  if (holder.kind !== 'kit') throw new Error('the fake kit was not recognised');
  return { kit: holder as RunningKit, close: () => server.close() };
}

describe('doctor --workspace and the running kit', () => {
  it('uses a running kit that serves the workspace of this step', async () => {
    const fake = await fakeKit({ step: 'step-04', workspace: true });
    const fixture = await envFixture();
    try {
      const list = await checkLocal({
        step: stepOf(4),
        env: { ...fixture.credentials },
        envFile: fixture.envPath,
        kits: [fake.kit],
        workspace: true,
      });
      expect(list.checks[0]).toMatchObject({
        id: 'local.running',
        status: 'ok',
        message: `${fake.kit.baseUrl} で動いているキット(pnpm dev:step 4 --workspace)を確認します`,
      });
    } finally {
      fake.close();
      await fixture.close();
    }
  });

  it('does not take the finished code for the workspace: names the kit, runs the folder itself', async () => {
    // The learner's /call is Public (call.ts): only their code, not the finished step, lets an unsigned call through.
    const dir = await seed(4, (at) =>
      rename(functionFile(at, 'call.protected.ts'), functionFile(at, 'call.ts')),
    );
    const fake = await fakeKit({ step: 'step-04', workspace: false });
    const fixture = await envFixture();
    const before = process.env.KIT_WORKSPACE_DIR;
    process.env.KIT_WORKSPACE_DIR = dir;
    try {
      const list = await checkLocal({
        step: stepOf(4),
        env: { ...fixture.credentials },
        envFile: fixture.envPath,
        kits: [fake.kit],
        workspace: true,
      });
      const [running, started] = list.checks;
      expect(running).toMatchObject({ id: 'local.running', status: 'warn' });
      expect(running?.message).toContain(
        `動いているキット(PORT ${fake.kit.port} の step-04(完成コード))は 作業フォルダー(手順4) ではありません`,
      );
      expect(running?.fix).toBe('pnpm dev:step 4 --workspace');
      expect(started?.message).toContain('作業フォルダー(手順4) を一時的に起動しました');
      expect(list.checks.find((check) => check.id === 'local.call-unsigned')?.status).toBe('fail');
    } finally {
      if (before === undefined) delete process.env.KIT_WORKSPACE_DIR;
      else process.env.KIT_WORKSPACE_DIR = before;
      fake.close();
      await fixture.close();
    }
  });
});

describe('doctor without --workspace beside a running workspace', () => {
  it('does not take the learner’s folder for the finished code', async () => {
    const fake = await fakeKit({ step: 'step-04', workspace: true });
    const fixture = await envFixture();
    try {
      const list = await checkLocal({
        step: stepOf(4),
        env: { ...fixture.credentials },
        envFile: fixture.envPath,
        kits: [fake.kit],
        workspace: false,
      });
      const [running, started] = list.checks;
      expect(running?.message).toContain(
        `動いているキット(PORT ${fake.kit.port} の step-04(作業フォルダー))は step-04(完成コード) ではありません`,
      );
      expect(started?.message).toContain('step-04 を一時的に起動しました');
      expect(byStatus(list.checks, 'fail')).toEqual([]);
    } finally {
      fake.close();
      await fixture.close();
    }
  });
});

describe('pnpm run doctor --step 4 --workspace (the CLI)', () => {
  it('exits 1 with the ✗ line for voiceUrl /call.protected, the rest green', async () => {
    const dir = await seed(4, (at) =>
      writeFile(
        join(at, 'twiml-app.json'),
        '{ "voiceUrl": "/call.protected", "voiceMethod": "POST" }\n',
      ),
    );
    const fixture = await envFixture();
    try {
      const port = await freePortPair();
      const result = await runDoctor(['--step', '4', '--workspace'], {
        KIT_ENV_FILE: fixture.envPath,
        KIT_WORKSPACE_DIR: dir,
        PORT: String(port),
      });
      expect(result.code, result.output).toBe(1);
      const { line, fix } = failure(result, 'voiceUrl "/call.protected"');
      expect(line).toContain('call.protected.ts のパスは /call です');
      expect(fix).toBe(
        'twiml-app.json の "voiceUrl": "/call.protected" を "voiceUrl": "/call" にする',
      );
      expect(result.stdout.match(/^\s*✗/gm)).toHaveLength(1);
      expect(result.stdout).toContain('\n作業フォルダー\n');
      expect(result.stdout).toContain('作業フォルダー(手順4) を一時的に起動しました');
    } finally {
      await fixture.close();
    }
  });
});
