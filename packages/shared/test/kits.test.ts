import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIT_SERVER_INFO_PATH } from '../src/contract.js';
import { advertiseKit, findRunningKits, identifyPort } from '../src/node/kits.js';
import { freePort } from '../src/node/ports.js';

/**
 * The one discovery of running kits (doctor, call:signed): the ports kits left
 * in a folder, each asked what it is. Small HTTP servers stand in for kits.
 */
let dir: string;
const servers: ReturnType<typeof createServer>[] = [];

async function listen(handler: RequestListener): Promise<number> {
  const server = createServer(handler).listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kit-running-'));
});
afterAll(async () => {
  for (const server of servers) server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('findRunningKits', () => {
  it('lists the kits that answer, with what they serve; not other programs, not free ports', async () => {
    const kit = await listen((request, response) => {
      if (request.url !== KIT_SERVER_INFO_PATH) return void response.writeHead(404).end();
      response.end(
        JSON.stringify({
          kit: 'browser-phone-kit',
          step: 'step-03',
          workspace: true,
          functions: [],
        }),
      );
    });
    const other = await listen((_request, response) => response.writeHead(404).end('not a kit'));
    const free = await freePort();
    for (const port of [kit, other, free]) advertiseKit(dir, port);

    const kits = await findRunningKits(dir);
    expect(kits.map((found) => [found.port, found.info?.step, found.info?.workspace])).toEqual([
      [kit, 'step-03', true],
    ]);
    expect((await identifyPort(other)).kind).toBe('other');
    expect((await identifyPort(free)).kind).toBe('free');
  });

  it('removes the file of a kit whose process is gone, and ignores what it cannot read', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(join(dir, '4999.json'), JSON.stringify({ port: 4999, pid: gone }));
    await writeFile(join(dir, 'garbage.json'), '{ not json');
    await findRunningKits(dir);
    const left = await readdir(dir);
    expect(left).not.toContain('4999.json');
    expect(left).toContain('garbage.json');
  });

  it('finds nothing in a folder that does not exist', async () => {
    expect(await findRunningKits(join(dir, 'missing'))).toEqual([]);
  });
});
