import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copySolution } from '@kit/functions/workspace';
import { CHROMIUM_ARGS } from '@kit/launcher/chromium';
import { findStep, phonePagePath, type Step } from '@kit/shared';
import { type Browser, chromium, type Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import {
  inboundAudioPackets,
  recordPeerConnections,
  selectedRemoteAddresses,
} from './support/peer-connections.js';
import { createVenue, type Venue } from './support/venue.js';

/**
 * The room as a workshop uses it: the instructor's laptop and two attendees'
 * laptops on a venue's network, built from network namespaces this test makes
 * (10.77.0.0/24 exists only inside them). Real `pnpm room`, `pnpm room:join`,
 * `pnpm step:check` and `pnpm room:help` from each attendee's own workspace,
 * then the board in a real Chromium on the instructor's laptop. Then room calls:
 * each attendee's own step-4 Functions (`pnpm dev:step 4 --workspace --room`), a
 * real Chromium on each attendee's laptop registered with the room, a call from
 * one to the other with audio both ways, laptop to laptop. And `pnpm dev` on an
 * attendee's laptop answers on its loopback only.
 */

const REPO_ROOT = join(import.meta.dirname, '../..');
const FUNCTIONS_DIR = join(REPO_ROOT, 'packages/functions');
const ROOM_URL = 'http://10.77.0.1:4600';
const CODE = 'KX3-4MP';

interface Run {
  code: number | null;
  output: string;
}

/** Waits for a laptop's command to end, with everything it printed. */
function finished(child: ChildProcess): Promise<Run> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

/** Waits until a long-running command prints `text`; returns what it printed so far. */
function printed(child: ChildProcess, text: string, timeoutMs = 60_000): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${text}" in:\n${output}`)), timeoutMs);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(text)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('close', () => reject(new Error(`exited before "${text}":\n${output}`)));
  });
}

test.describe('a venue: the instructor’s room and two attendees’ laptops', () => {
  // About 40 s alone (three real step:check runs); several times that beside every package's tests.
  test.describe.configure({ timeout: 300_000 });
  let venue: Venue;
  let scratch = '';

  test.beforeAll(async () => {
    venue = await createVenue({ instructor: 1, sakura: 11, bob: 12 });
    const root = join(FUNCTIONS_DIR, '.test-workspaces');
    mkdirSync(root, { recursive: true });
    scratch = mkdtempSync(join(root, 'venue-'));
  });
  test.afterAll(() => {
    venue?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** An attendee's own environment: their workspace, membership and .env, as on their laptop. */
  function attendeeEnv(name: string): NodeJS.ProcessEnv {
    const home = join(scratch, name);
    mkdirSync(home, { recursive: true });
    return {
      ...process.env,
      FORCE_COLOR: '0',
      KIT_WORKSPACE_DIR: join(home, 'workspace'),
      KIT_ROOM_FILE: join(home, 'room.json'),
      KIT_ENV_FILE: join(home, '.env'),
    };
  }

  function pnpm(laptop: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
    return finished(venue.spawn(laptop, 'pnpm', args, { cwd: REPO_ROOT, env }));
  }

  test('the board shows each attendee’s checks and raised hand, live', async () => {
    const roomEnv = { ...process.env, FORCE_COLOR: '0', KIT_ROOM_DIR: join(scratch, 'room') };
    const room = venue.spawn('instructor', 'pnpm', ['room', '--code', CODE], {
      cwd: REPO_ROOT,
      env: roomEnv,
    });
    const opened = await printed(room, 'ボード(この PC)');
    // It listens on the instructor's LAN address, found by itself, and says it is the only one.
    expect(opened).toContain(`参加用の URL:     ${ROOM_URL}`);
    expect(opened).toContain('会場のネットワーク(10.77.0.1');
    expect(opened).toContain(`pnpm room:join ${ROOM_URL} --code ${CODE}`);

    const sakura = attendeeEnv('sakura');
    const bob = attendeeEnv('bob');
    for (const [laptop, env, name] of [
      ['sakura', sakura, 'さくら'],
      ['bob', bob, 'ボブ'],
    ] as const) {
      const joined = await pnpm(
        laptop,
        // A Japanese display name needs the phone's name (identity): the laptop's name here.
        ['room:join', ROOM_URL, '--code', CODE, '--name', name, '--identity', laptop],
        env,
      );
      expect(joined.code, joined.output).toBe(0);
      expect(joined.output).toContain(`電話の名前(identity): ${laptop}`);
      expect(joined.output).toContain('送らないもの: コード、ファイルの中身、パス、.env の値');
    }

    // さくら: the finished step 3, passing. ボブ: step 3 with the identity check left out.
    // (Their folders are copied here, as `pnpm step:solution 3` copies them: the learner's
    // loop has its own tests, and each command here is a process on a busy machine.)
    const step3 = findStep(3) as Step;
    for (const env of [sakura, bob]) await copySolution(step3, env.KIT_WORKSPACE_DIR);
    const bobToken = join(bob.KIT_WORKSPACE_DIR ?? '', 'src/functions/voice-token.ts');
    const code = readFileSync(bobToken, 'utf8');
    const seeded = code.replace(
      "typeof identity !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(identity)",
      "typeof identity !== 'string'",
    );
    expect(seeded).not.toBe(code);
    writeFileSync(bobToken, seeded);

    const passed = await pnpm('sakura', ['step:check', '3'], sakura);
    expect(passed.code, passed.output).toBe(0);
    const failed = await pnpm('bob', ['step:check', '3'], bob);
    expect(failed.code, failed.output).toBe(1);
    expect(failed.output).toContain('「3-4 identity の検査」');
    expect(failed.output).not.toContain('教室に報告できませんでした');
    const hand = await pnpm('bob', ['room:help', '3-4 が分かりません'], bob);
    expect(hand.code, hand.output).toBe(0);

    // The board, in a Chromium on the instructor's laptop (loopback: no key needed there).
    const browser = await chromium.launch({
      executablePath: venue.chromium('instructor'),
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage({ colorScheme: 'light' });
      await page.goto('http://127.0.0.1:4600/board');
      const rows = page.locator('tbody tr');
      await expect(rows).toHaveCount(2);
      // Raised hands first.
      await expect(rows.nth(0)).toContainText('ボブ');
      await expect(rows.nth(0)).toContainText('3-4');
      await expect(rows.nth(0)).toContainText('3-4 が分かりません');
      await expect(rows.nth(1)).toContainText('さくら');
      await expect(page.locator('body')).toContainText('3-4 identity の検査: 1 人');
      // The board as text, kept with the run's results (the note quotes it).
      await test.info().attach('board while ボブ fails 3-4', {
        // biome-ignore lint/performance/useDomNodeTextContent: the board as read, line breaks and all
        body: await page.locator('main').innerText(),
        contentType: 'text/plain',
      });

      // ボブ fixes the stage: the board follows without a reload.
      await copySolution(step3, bob.KIT_WORKSPACE_DIR);
      const fixed = await pnpm('bob', ['step:check', '3'], bob);
      expect(fixed.code, fixed.output).toBe(0);
      await expect(page.locator('body')).not.toContainText('identity の検査: 1 人', {
        timeout: 5000,
      });
      await expect(rows.nth(0)).toContainText('合格');
      await test.info().attach('board after ボブ passes', {
        // biome-ignore lint/performance/useDomNodeTextContent: the board as read, line breaks and all
        body: await page.locator('main').innerText(),
        contentType: 'text/plain',
      });
    } finally {
      await browser.close();
    }

    // From an attendee's laptop, the board's data needs the instructor's key.
    const probe = await finished(
      venue.spawn(
        'sakura',
        'node',
        [
          '-e',
          `fetch('${ROOM_URL}/api/board').then((r) => process.stdout.write(String(r.status)))`,
        ],
        { cwd: REPO_ROOT },
      ),
    );
    expect(probe.output.trim()).toBe('401');

    room.kill('SIGTERM');
    expect((await finished(room)).code).toBe(0);
  });

  test('room calls: each attendee’s own /call routes a call to the other laptop, with audio both ways', async () => {
    const roomEnv = { ...process.env, FORCE_COLOR: '0', KIT_ROOM_DIR: join(scratch, 'room-calls') };
    const room = venue.spawn('instructor', 'pnpm', ['room', '--code', CODE], {
      cwd: REPO_ROOT,
      env: roomEnv,
    });
    expect(await printed(room, 'ボード(この PC)')).toContain('ws://10.77.0.1:4601/signal');

    // Two attendees, each with their own workspace at step 4 and their own membership.
    const step4 = findStep(4) as Step;
    const attendees = { sakura: attendeeEnv('sakura-calls'), bob: attendeeEnv('bob-calls') };
    await Promise.all(
      Object.entries(attendees).map(async ([laptop, env]) => {
        const joined = await pnpm(
          laptop,
          ['room:join', ROOM_URL, '--code', CODE, '--name', laptop],
          env,
        );
        expect(joined.code, joined.output).toBe(0);
        await copySolution(step4, env.KIT_WORKSPACE_DIR);
      }),
    );
    const kits = Object.fromEntries(
      Object.entries(attendees).map(([laptop, env]) => [
        laptop,
        venue.spawn(laptop, 'pnpm', ['dev:step', '4', '--workspace', '--room'], {
          cwd: REPO_ROOT,
          env: { ...env, PORT: '3000' },
        }),
      ]),
    ) as Record<'sakura' | 'bob', ChildProcess>;
    for (const kit of Object.values(kits)) {
      expect(await printed(kit, 'Ctrl-C')).toContain(`教室: ${ROOM_URL}`);
    }

    const browsers: Browser[] = [];
    /** The attendee's phone, in a Chromium on their own laptop, served by their own kit on localhost. */
    async function openPhone(laptop: 'sakura' | 'bob'): Promise<Page> {
      const browser = await chromium.launch({
        executablePath: venue.chromium(laptop),
        args: CHROMIUM_ARGS,
      });
      browsers.push(browser);
      const context = await browser.newContext({ permissions: ['microphone'] });
      await context.addInitScript(recordPeerConnections);
      const page = await context.newPage();
      await page.goto(`http://localhost:3000${phonePagePath(step4)}`);
      // The room's identity is filled in: the attendee only presses 初期化.
      await expect(page.getByLabel('あなたの名前(identity)')).toHaveValue(laptop);
      await page.getByRole('button', { name: '初期化' }).click();
      await expect(page.locator('#status')).toHaveText('登録済み');
      await expect(page.locator('#mode')).toContainText('教室のエミュレーター 10.77.0.1:4601');
      return page;
    }
    const dial = async (page: Page, to: string) => {
      await page.getByLabel('宛先(相手の identity)').fill(to);
      await page.getByRole('button', { name: '発信', exact: true }).click();
    };
    const audioGrows = async (page: Page) => {
      const before = await inboundAudioPackets(page);
      await expect
        .poll(() => inboundAudioPackets(page), { timeout: 10_000 })
        .toBeGreaterThan(before + 20);
    };

    try {
      const sakura = await openPhone('sakura');
      const bob = await openPhone('bob');

      // さくら calls by choosing bob in 「教室の電話」, the room's directory.
      const directory = sakura.getByRole('list', { name: '教室の電話' });
      await directory.getByRole('button', { name: 'bob(bob)に発信' }).click();
      await expect(bob.getByRole('heading', { name: 'sakura さんから着信' })).toBeVisible();
      await bob.getByRole('button', { name: '応答' }).click();
      await expect(sakura.locator('#status')).toHaveText('通話中');
      await expect(bob.locator('#status')).toHaveText('通話中');
      await audioGrows(sakura);
      await audioGrows(bob);
      // Media goes laptop to laptop, on the venue's addresses.
      expect(await selectedRemoteAddresses(sakura)).toEqual(['10.77.0.12']);
      expect(await selectedRemoteAddresses(bob)).toEqual(['10.77.0.11']);
      await sakura.getByRole('button', { name: '終了' }).click();
      await expect(bob.locator('#status')).toHaveText('登録済み');

      // The venue's Wi-Fi isolates its clients: signaling still reaches the room, media
      // cannot go laptop to laptop. Both phones say so in words, not as silence.
      venue.isolate(['sakura', 'bob'], true);
      await dial(sakura, 'bob');
      await bob.getByRole('button', { name: '応答' }).click();
      for (const page of [sakura, bob]) {
        await expect(page.getByRole('alert')).toContainText(
          '相手の PC と音声がつながりませんでした',
          { timeout: 15_000 }, // the phone gives media 5 s to connect
        );
        await expect(page.locator('#status')).toHaveText('登録済み');
      }
      venue.isolate(['sakura', 'bob'], false);

      // さくら stops her kit: her /call is gone. Her next call ends with 11200; bob hears nothing.
      kits.sakura.kill('SIGTERM');
      await finished(kits.sakura);
      await dial(sakura, 'bob');
      await expect(sakura.getByRole('alert')).toContainText('11200');
      await expect(sakura.locator('#status')).toHaveText('登録済み');
      await expect(bob.locator('#status')).toHaveText('登録済み');
      await expect(bob.locator('#incoming')).toBeHidden();

      // The instructor removes bob (退室させる, from the board's own API on their laptop):
      // his phone is unregistered, and registering again is refused, in words.
      const bobId = (
        JSON.parse(readFileSync(attendees.bob.KIT_ROOM_FILE ?? '', 'utf8')) as { memberId: string }
      ).memberId;
      const revoked = await finished(
        venue.spawn(
          'instructor',
          'node',
          [
            '-e',
            `fetch('http://127.0.0.1:4600/api/board/members/${bobId}/revoke', { method: 'POST' }).then((r) => process.stdout.write(String(r.status)))`,
          ],
          { cwd: REPO_ROOT },
        ),
      );
      expect(revoked.output.trim()).toBe('200');
      await expect(bob.getByRole('alert')).toContainText('教室がこの電話の登録を断りました');
      await bob.getByRole('button', { name: '初期化' }).click();
      await expect(bob.getByRole('alert')).toContainText('教室がこの電話の登録を断りました');
      await expect(bob.locator('#status')).not.toHaveText('登録済み');
    } finally {
      for (const browser of browsers) await browser.close();
      for (const kit of Object.values(kits)) kit.kill('SIGTERM');
      room.kill('SIGTERM');
      await finished(room);
    }
  });

  test('pnpm dev on an attendee’s laptop answers on its loopback only', async () => {
    const env = { ...attendeeEnv('sakura'), PORT: '3000', EMULATOR_PORT: '3001' };
    const dev = venue.spawn('sakura', 'pnpm', ['dev'], { cwd: REPO_ROOT, env });
    await printed(dev, 'Ctrl-C');
    const ask = (laptop: string, url: string) =>
      finished(
        venue.spawn(
          laptop,
          'node',
          [
            '-e',
            `fetch('${url}').then((r) => process.stdout.write('answered ' + r.status), (e) => process.stdout.write('refused ' + e.cause?.code))`,
          ],
          { cwd: REPO_ROOT },
        ),
      );
    expect((await ask('sakura', 'http://127.0.0.1:3000/')).output).toContain('answered');
    expect((await ask('sakura', 'http://10.77.0.11:3000/')).output).toContain('refused');
    expect((await ask('bob', 'http://10.77.0.11:3000/')).output).toContain('refused');
    dev.kill('SIGTERM');
    await finished(dev);
  });
});
