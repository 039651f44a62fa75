import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copySolution } from '@kit/functions/workspace';
import { CHROMIUM_ARGS } from '@kit/launcher/chromium';
import { findStep, type Step } from '@kit/shared';
import { chromium } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { finished, printed } from './support/processes.js';
import type { Venue } from './support/venue.js';
import { openWorkshop, type Workshop } from './support/workshop.js';

/**
 * The room as a workshop uses it: the instructor's laptop and two attendees'
 * laptops on a venue's network, built from network namespaces this test makes
 * (10.77.0.0/24 exists only inside them). Real `pnpm room`, `pnpm room:join`,
 * `pnpm step:check` and `pnpm room:help` from each attendee's own workspace,
 * then the board in a real Chromium on the instructor's laptop. And `pnpm dev`
 * on an attendee's laptop answers on its loopback only. Room calls between the
 * laptops are room-calls.spec.ts.
 */

const REPO_ROOT = join(import.meta.dirname, '../..');
const ROOM_URL = 'http://10.77.0.1:4600';
const CODE = 'KX3-4MP';

test.describe('a venue: the instructor’s room and two attendees’ laptops', () => {
  // About 40 s alone (three real step:check runs); several times that beside every package's tests.
  test.describe.configure({ timeout: 300_000 });
  let workshop: Workshop;
  let venue: Venue;
  let scratch = '';
  let attendeeEnv: Workshop['attendeeEnv'];
  let pnpm: Workshop['pnpm'];

  test.beforeAll(async () => {
    workshop = await openWorkshop({ instructor: 1, sakura: 11, bob: 12 });
    ({ venue, scratch, attendeeEnv, pnpm } = workshop);
  });
  test.afterAll(() => workshop?.close());

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
