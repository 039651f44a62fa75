import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumExecutable } from '@kit/launcher/chromium';

/**
 * A venue's network, made of Linux network namespaces that this test creates
 * itself: one namespace per laptop, joined by a bridge, with addresses that
 * exist only inside them (10.77.0.0/24, or the subnet a spec names). It is built inside the loopback-only
 * namespace `scripts/offline.sh` runs the specs in, so nothing it sends can
 * leave this machine or reach its real interfaces; without that namespace it
 * refuses to start.
 */

export interface Laptop {
  name: string;
  address: string;
  /** The process that holds the laptop's namespace open. */
  holder: ChildProcess;
  /** `/proc/<pid>/ns/net`, for nsenter. */
  netns: string;
}

export interface Venue {
  laptops: Record<string, Laptop>;
  /** Starts a command on a laptop (its network only; same files and processes as the test). */
  spawn(
    laptop: string,
    command: string,
    args: readonly string[],
    options?: { cwd?: string; env?: NodeJS.ProcessEnv },
  ): ChildProcess;
  /** A Chromium executable that runs inside the laptop's namespace (for Playwright's `executablePath`). */
  chromium(laptop: string): string;
  /**
   * Wi-Fi client isolation, as many venues set it: the laptops named cannot reach
   * each other, but still reach every other laptop (the instructor's). Linux bridge
   * port isolation does exactly that.
   */
  isolate(laptops: readonly string[], on: boolean): void;
  close(): void;
}

/**
 * Which venue: spec files run side by side in one namespace, so each builds its own
 * (a bridge, cable names and a /24 of its own). `10.77.0` for the room-venue spec.
 */
export interface VenueNetwork {
  /** Up to 5 letters: the bridge is `br-<name>`, a laptop's cable `<name>-<laptop>`. */
  name: string;
  /** The first three numbers of the venue's /24. */
  subnet: string;
}

const DEFAULT_NETWORK: VenueNetwork = { name: 'v', subnet: '10.77.0' };

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

export function insideTestNamespace(): boolean {
  return process.env.KIT_OFFLINE_NAMESPACE === '1';
}

/** `laptops`: name → host number in 10.77.0.0/24 (`{ instructor: 1, alice: 11 }`). */
export async function createVenue(
  laptops: Record<string, number>,
  network: VenueNetwork = DEFAULT_NETWORK,
): Promise<Venue> {
  const BRIDGE = network.name === 'v' ? 'br-venue' : `br-${network.name}`;
  const SUBNET = network.subnet;
  /** The bridge's end of a laptop's cable. */
  const vethOf = (laptop: string) => `${network.name}-${laptop}`.slice(0, 15);
  if (!insideTestNamespace()) {
    throw new Error(
      'the venue is built only inside the namespace of tests/scripts/offline.sh (run the spec through pnpm test or test:e2e)',
    );
  }
  ip('link', 'add', BRIDGE, 'type', 'bridge');
  ip('link', 'set', BRIDGE, 'up');
  const made: Record<string, Laptop> = {};
  const wrappers = mkdtempSync(join(tmpdir(), 'kit-venue-'));
  for (const [name, host] of Object.entries(laptops)) {
    const holder = spawn('unshare', ['--net', 'sleep', 'infinity'], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (holder.pid === undefined || holder.exitCode !== null)
      throw new Error(`no namespace for ${name}`);
    // The holder is `unshare`, which execs sleep in the new namespace: same pid.
    const netns = `/proc/${holder.pid}/ns/net`;
    const veth = vethOf(name);
    ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(holder.pid));
    ip('link', 'set', veth, 'master', BRIDGE, 'up');
    const address = `${SUBNET}.${host}`;
    execFileSync(
      'nsenter',
      [
        `--net=${netns}`,
        'sh',
        '-c',
        `ip link set lo up && ip addr add ${address}/24 dev eth0 && ip link set eth0 up`,
      ],
      { stdio: 'pipe' },
    );
    made[name] = { name, address, holder, netns };
  }
  const laptopOf = (name: string): Laptop => {
    const laptop = made[name];
    if (!laptop) throw new Error(`no laptop ${name}`);
    return laptop;
  };
  const children: ChildProcess[] = [];
  return {
    laptops: made,
    spawn(name, command, args, options = {}) {
      const child = spawn('nsenter', [`--net=${laptopOf(name).netns}`, '--', command, ...args], {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      return child;
    },
    chromium(name) {
      const file = join(wrappers, `chromium-${name}`);
      const chromium = chromiumExecutable() ?? 'chromium';
      writeFileSync(
        file,
        `#!/bin/sh\nexec nsenter --net=${laptopOf(name).netns} -- ${chromium} "$@"\n`,
      );
      chmodSync(file, 0o755);
      return file;
    },
    isolate(names, on) {
      for (const name of names) {
        laptopOf(name);
        execFileSync(
          'bridge',
          ['link', 'set', 'dev', vethOf(name), 'isolated', on ? 'on' : 'off'],
          {
            stdio: 'pipe',
          },
        );
      }
    },
    close() {
      for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
      for (const laptop of Object.values(made)) laptop.holder.kill('SIGKILL');
      try {
        ip('link', 'del', BRIDGE);
      } catch {
        // Gone with the namespace already.
      }
    },
  };
}
