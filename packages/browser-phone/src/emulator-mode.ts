import { EMULATOR_INFO_PATH, type EmulatorInfo, isEmulatorInfo } from '@kit/shared';
import { findRoom, type JoinedRoom } from './room-panel.js';

/**
 * What the real Voice SDK needs to talk to the local emulator instead of Twilio.
 * The mode comes from the server that serves the page: the kit's local server
 * answers `kit/emulator.json`; Twilio has no such file, so the phone talks to Twilio.
 */

/** Hosts the kit's local server listens on; a page anywhere else is on Twilio. */
const LOOPBACK_HOSTNAME = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** The emulator the phone registers with, and whether it is the room's (`pnpm dev --room`). */
export interface FoundEmulator extends EmulatorInfo {
  /** The kit runs with `--room` (its `/kit/room.json` says `calls`): room calls, room errors. */
  inRoom: boolean;
}

/**
 * Asks the server that served the page where its emulator is (the path is
 * relative to the page). A 404, a network error or an unusable answer all
 * mean real Twilio mode. A page on Twilio's domains is not asked about at all:
 * the kit only ever serves the phone on loopback, and the request would only put
 * a 404 in every attendee's console. `room` is what the page already asked of
 * `kit/room.json` (main.ts asks once for the panel too); without it, the room is
 * asked only when the emulator is off loopback.
 */
export async function findEmulator(
  page: Pick<Location, 'href' | 'hostname'> = window.location,
  fetchImpl: typeof fetch = fetch,
  room: Promise<JoinedRoom | null> | null = null,
): Promise<FoundEmulator | null> {
  if (!LOOPBACK_HOSTNAME.test(page.hostname)) return null;
  try {
    const url = new URL(EMULATOR_INFO_PATH.slice(1), page.href);
    const response = await fetchImpl(url, { cache: 'no-store' });
    if (!response.ok) return null;
    const body: unknown = await response.json();
    if (isEmulatorInfo(body)) {
      const joined = room === null ? null : await room;
      return { signalingHost: body.signalingHost, inRoom: joined?.calls === true };
    }
    // Room mode (pnpm dev --room): the room's emulator, on the room's own host as
    // this workspace's kit names it, and no other host.
    const joined = await (room ?? findRoom(page, fetchImpl));
    const roomHostname = joined ? new URL(joined.roomUrl).hostname : undefined;
    return isEmulatorInfo(body, roomHostname)
      ? { signalingHost: body.signalingHost, inRoom: joined?.calls === true }
      : null;
  } catch {
    return null;
  }
}

export interface SignalingRewrite {
  /** From now on, `wss://HOST/…` sockets go to `ws://HOST/…` (the emulator has no TLS). */
  routeToEmulator(signalingHost: string): void;
}

/**
 * The SDK always dials `wss://<chunderw>/signal`; the emulator speaks plain
 * `ws://` on loopback. This replaces `WebSocket` with a subclass that swaps the
 * scheme for the emulator's host only, and passes every URL through unchanged
 * until `routeToEmulator` names that host (so in Twilio mode it does nothing).
 *
 * Why it is always installed, first thing, before the mode is known: the SDK
 * keeps `globalThis.WebSocket` in a constant when its module is evaluated
 * (wstransport.js), and the phone is one file for the Console, so the SDK's
 * dynamic `import()` is inlined into the page. Rolldown (Vite 8) still runs the
 * inlined module at the `import()`, but Rollup's `inlineDynamicImports`
 * evaluates it with the page, long before `kit/emulator.json` answers, and a
 * class installed then would never be seen. Installed first, it is seen
 * whatever the bundler does. main.ts installs it from its first import.
 */
export function installSignalingRewrite(scope: typeof globalThis = globalThis): SignalingRewrite {
  const Native = scope.WebSocket;
  let secureOrigin: string | null = null;
  class SignalingWebSocket extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      const text = String(url);
      super(
        secureOrigin !== null && text.startsWith(secureOrigin)
          ? `ws://${text.slice('wss://'.length)}`
          : text,
        protocols,
      );
    }
  }
  scope.WebSocket = SignalingWebSocket;
  return {
    routeToEmulator(signalingHost) {
      secureOrigin = `wss://${signalingHost}/`;
    },
  };
}

/** Gathering on loopback takes milliseconds; stop waiting after this, and send what there is. */
const ICE_GATHERING_LIMIT_MS = 3000;

/**
 * Between two laptops on one network, media connects in well under a second.
 * Not connected after this (Wi-Fi that isolates its clients, a VPN, a firewall
 * dropping UDP): the phone says so, instead of a call that stays silent.
 */
export const MEDIA_CONNECT_LIMIT_MS = 5000;

/** Told whether the browsers' media path came up: the phone ends a silent call in words. */
export interface MediaWatch {
  connected(): void;
  failed(): void;
}

/**
 * Twilio's media servers need no ICE candidates in the SDP, so the SDK sends its
 * offer right after `setLocalDescription`. Browser-to-browser media does need
 * them: resolve `setLocalDescription` only once gathering is complete, so the
 * SDP the SDK reads afterwards carries the candidates. Once the other side's
 * description is set, `watch` hears whether media connects in time.
 */
export function iceGatheringPeerConnection(
  Base: typeof RTCPeerConnection,
  watch?: MediaWatch,
): typeof RTCPeerConnection {
  return class IceGatheringPeerConnection extends Base {
    private mediaTimer: ReturnType<typeof setTimeout> | null = null;

    override async setLocalDescription(
      description?: RTCLocalSessionDescriptionInit,
    ): Promise<void> {
      await super.setLocalDescription(description);
      await waitForIceGathering(this, ICE_GATHERING_LIMIT_MS);
    }

    override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      await super.setRemoteDescription(description);
      if (watch && this.mediaTimer === null)
        watchMedia(this, watch, (timer) => {
          this.mediaTimer = timer;
        });
    }
  };
}

function watchMedia(
  connection: RTCPeerConnection,
  watch: MediaWatch,
  keep: (timer: ReturnType<typeof setTimeout>) => void,
): void {
  let settled = false;
  const settle = (outcome: 'connected' | 'failed') => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    connection.removeEventListener('connectionstatechange', onChange);
    watch[outcome]();
  };
  const onChange = () => {
    const state = connection.connectionState;
    if (state === 'connected') settle('connected');
    else if (state === 'failed') settle('failed');
    else if (state === 'closed') {
      settled = true;
      clearTimeout(timer);
      connection.removeEventListener('connectionstatechange', onChange);
    }
  };
  const timer = setTimeout(() => settle('failed'), MEDIA_CONNECT_LIMIT_MS);
  keep(timer);
  connection.addEventListener('connectionstatechange', onChange);
  onChange();
}

export function waitForIceGathering(connection: RTCPeerConnection, limitMs: number): Promise<void> {
  if (connection.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      connection.removeEventListener('icegatheringstatechange', onChange);
      resolve();
    };
    const onChange = () => {
      if (connection.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, limitMs);
    connection.addEventListener('icegatheringstatechange', onChange);
  });
}
