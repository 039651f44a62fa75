import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
import { finished, printed } from './support/processes.js';
import type { Venue } from './support/venue.js';
import { openWorkshop, type Workshop } from './support/workshop.js';

/**
 * Room calls as a workshop uses them: the instructor's laptop and two attendees'
 * laptops on a venue's network made of namespaces this test creates (10.78.0.0/24
 * exists only inside them). Each attendee runs their own step-4 Functions
 * (`pnpm dev:step 4 --workspace --room`) and a real Chromium registered with the
 * room; one calls the other by name, with audio both ways, laptop to laptop.
 */

const REPO_ROOT = join(import.meta.dirname, '../..');
const ROOM_URL = 'http://10.78.0.1:4600';
const CODE = 'KX3-4MP';

test.describe('room calls between two attendees’ laptops', () => {
  // About 20 s alone; more beside every package's tests.
  test.describe.configure({ timeout: 180_000 });
  let workshop: Workshop;
  let venue: Venue;
  let scratch = '';
  let attendeeEnv: Workshop['attendeeEnv'];
  let pnpm: Workshop['pnpm'];

  test.beforeAll(async () => {
    workshop = await openWorkshop(
      { instructor: 1, sakura: 11, bob: 12 },
      { name: 'c', subnet: '10.78.0' },
    );
    ({ venue, scratch, attendeeEnv, pnpm } = workshop);
  });
  test.afterAll(() => workshop?.close());

  test('each attendee’s own /call routes a call to the other laptop, with audio both ways', async () => {
    const roomEnv = { ...process.env, FORCE_COLOR: '0', KIT_ROOM_DIR: join(scratch, 'room') };
    const room = venue.spawn('instructor', 'pnpm', ['room', '--code', CODE], {
      cwd: REPO_ROOT,
      env: roomEnv,
    });
    expect(await printed(room, 'ボード(この PC)')).toContain('ws://10.78.0.1:4601/signal');

    // Two attendees, each with their own workspace at step 4 and their own membership.
    const step4 = findStep(4) as Step;
    const attendees = { sakura: attendeeEnv('sakura'), bob: attendeeEnv('bob') };
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
      await expect(page.locator('#mode')).toContainText('教室のエミュレーター 10.78.0.1:4601');
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
      expect(await selectedRemoteAddresses(sakura)).toEqual(['10.78.0.12']);
      expect(await selectedRemoteAddresses(bob)).toEqual(['10.78.0.11']);
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
      // And the instructor's board shows it against both (each phone told its kit, which told the room).
      const board = await finished(
        venue.spawn(
          'instructor',
          'node',
          [
            '-e',
            "fetch('http://127.0.0.1:4600/api/board').then((r) => r.json()).then((b) => process.stdout.write(JSON.stringify(b.members.map((m) => [m.name, m.mediaFailure?.peer ?? null]))))",
          ],
          { cwd: REPO_ROOT },
        ),
      );
      expect(JSON.parse(board.output)).toEqual(
        expect.arrayContaining([
          ['sakura', 'bob'],
          ['bob', 'sakura'],
        ]),
      );

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
});
