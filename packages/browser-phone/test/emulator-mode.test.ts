import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  findEmulator,
  iceGatheringPeerConnection,
  installSignalingRewrite,
  MEDIA_CONNECT_LIMIT_MS,
  waitForIceGathering,
} from '../src/emulator-mode.js';

function recordingScope() {
  const urls: string[] = [];
  class RecordingWebSocket {
    constructor(url: string | URL) {
      urls.push(String(url));
    }
  }
  return { urls, scope: { WebSocket: RecordingWebSocket } as unknown as typeof globalThis };
}

describe('installSignalingRewrite', () => {
  it('passes every URL through until an emulator is named (Twilio mode)', () => {
    const { urls, scope } = recordingScope();
    installSignalingRewrite(scope);
    new scope.WebSocket('wss://chunderw-vpc-gll.twilio.com/signal');
    new scope.WebSocket('wss://127.0.0.1:4100/signal');
    expect(urls).toEqual([
      'wss://chunderw-vpc-gll.twilio.com/signal',
      'wss://127.0.0.1:4100/signal',
    ]);
  });

  it("downgrades wss:// to ws:// for the emulator's host only, even for a WebSocket captured before", () => {
    const { urls, scope } = recordingScope();
    const rewrite = installSignalingRewrite(scope);
    // What the SDK does when its module is evaluated: keep the class it finds.
    const Captured = scope.WebSocket;
    rewrite.routeToEmulator('127.0.0.1:4100');
    new Captured('wss://127.0.0.1:4100/signal');
    new Captured('wss://127.0.0.1:4101/signal');
    new Captured('wss://chunderw-vpc-gll.twilio.com/signal');
    expect(urls).toEqual([
      'ws://127.0.0.1:4100/signal',
      'wss://127.0.0.1:4101/signal',
      'wss://chunderw-vpc-gll.twilio.com/signal',
    ]);
  });
});

describe('findEmulator', () => {
  const localPage = { href: 'http://127.0.0.1:3000/index.html', hostname: '127.0.0.1' };

  function answering(response: () => Response | Promise<Response>) {
    const asked: string[] = [];
    const fetchImpl = (async (url: string | URL | Request) => {
      asked.push(String(url));
      return response();
    }) as typeof fetch;
    return { asked, fetchImpl };
  }
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });

  it('asks kit/emulator.json beside the page and uses a loopback answer', async () => {
    const server = answering(() => json({ signalingHost: '127.0.0.1:4100' }));
    expect(await findEmulator(localPage, server.fetchImpl)).toEqual({
      signalingHost: '127.0.0.1:4100',
      inRoom: false,
    });
    expect(server.asked).toEqual(['http://127.0.0.1:3000/kit/emulator.json']);
  });

  it.each([
    ['a 404 (Twilio, or the Functions without the kit)', () => new Response('', { status: 404 })],
    ['an address off this machine', () => json({ signalingHost: 'evil.example:443' })],
    ['a body that is not JSON', () => new Response('<html>', { status: 200 })],
    ['an empty object', () => json({})],
    [
      'a network error',
      () => {
        throw new TypeError('Failed to fetch');
      },
    ],
  ])('means Twilio mode on %s', async (_case, response) => {
    expect(await findEmulator(localPage, answering(response).fetchImpl)).toBeNull();
  });

  describe('in room mode (pnpm dev --room)', () => {
    /** The kit's two answers: where the emulator is, and which room this workspace joined. */
    function kit(signalingHost: string, room: unknown) {
      const asked: string[] = [];
      const fetchImpl = (async (url: string | URL | Request) => {
        asked.push(String(url));
        return String(url).endsWith('/kit/room.json') ? json(room) : json({ signalingHost });
      }) as typeof fetch;
      return { asked, fetchImpl };
    }
    const joined = { joined: true, name: 'はなこ', roomUrl: 'http://10.200.0.1:4600', calls: true };

    it("uses the room's emulator on the room's own host, as the kit names the room", async () => {
      const server = kit('10.200.0.1:4601', joined);
      expect(await findEmulator(localPage, server.fetchImpl)).toEqual({
        signalingHost: '10.200.0.1:4601',
        inRoom: true,
      });
      expect(server.asked).toEqual([
        'http://127.0.0.1:3000/kit/emulator.json',
        'http://127.0.0.1:3000/kit/room.json',
      ]);
    });

    it('uses the room the page already asked for, not a second request, and says room mode from it', async () => {
      const server = kit('10.200.0.1:4601', null);
      const room = Promise.resolve({
        name: 'はなこ',
        identity: 'hanako',
        roomUrl: 'http://10.200.0.1:4600',
        calls: true,
      });
      expect(await findEmulator(localPage, server.fetchImpl, room)).toEqual({
        signalingHost: '10.200.0.1:4601',
        inRoom: true,
      });
      expect(server.asked).toEqual(['http://127.0.0.1:3000/kit/emulator.json']);
      // A room on loopback (an instructor's rehearsal): room mode from the kit's word, not the address.
      const rehearsal = kit('127.0.0.1:4601', null);
      const onLoopback = Promise.resolve({
        name: 'はなこ',
        identity: 'hanako',
        roomUrl: 'http://127.0.0.1:4600',
        calls: true,
      });
      expect(await findEmulator(localPage, rehearsal.fetchImpl, onLoopback)).toEqual({
        signalingHost: '127.0.0.1:4601',
        inRoom: true,
      });
      // Joined, but the kit runs without --room: the local emulator, not room mode.
      const local = kit('127.0.0.1:4601', null);
      const without = Promise.resolve({
        name: 'はなこ',
        identity: 'hanako',
        roomUrl: 'http://10.200.0.1:4600',
        calls: false,
      });
      expect(await findEmulator(localPage, local.fetchImpl, without)).toEqual({
        signalingHost: '127.0.0.1:4601',
        inRoom: false,
      });
    });

    it.each([
      ['another host than the room', kit('10.200.0.9:4601', joined)],
      ['a name that only starts with the room host', kit('10.200.0.10:4601', joined)],
      ['no port', kit('10.200.0.1', joined)],
      ['a workspace that has not joined', kit('10.200.0.1:4601', { joined: false })],
      ['a kit without room routes', kit('10.200.0.1:4601', null)],
    ])('refuses %s', async (_case, server) => {
      expect(await findEmulator(localPage, server.fetchImpl)).toBeNull();
    });
  });

  it('does not ask at all from a page on Twilio', async () => {
    const server = answering(() => json({ signalingHost: '127.0.0.1:4100' }));
    const twilioPage = {
      href: 'https://browser-phone-1234-dev.twil.io/index.html',
      hostname: 'browser-phone-1234-dev.twil.io',
    };
    expect(await findEmulator(twilioPage, server.fetchImpl)).toBeNull();
    expect(server.asked).toEqual([]);
  });
});

describe('waitForIceGathering', () => {
  function fakeConnection(state: RTCIceGatheringState) {
    const target = new EventTarget() as EventTarget & { iceGatheringState: RTCIceGatheringState };
    target.iceGatheringState = state;
    return target;
  }

  it('resolves when gathering completes', async () => {
    const connection = fakeConnection('gathering');
    let resolved = false;
    const waiting = waitForIceGathering(connection as unknown as RTCPeerConnection, 5000).then(
      () => {
        resolved = true;
      },
    );
    await Promise.resolve();
    expect(resolved).toBe(false);
    connection.iceGatheringState = 'complete';
    connection.dispatchEvent(new Event('icegatheringstatechange'));
    await waiting;
    expect(resolved).toBe(true);
  });

  it('gives up after the limit rather than hanging the call', async () => {
    const started = Date.now();
    await waitForIceGathering(fakeConnection('gathering') as unknown as RTCPeerConnection, 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});

describe('the media watch (a call between laptops that stays silent)', () => {
  /** Just enough of RTCPeerConnection: a connection state and its change event. */
  class FakeConnection extends EventTarget {
    connectionState: RTCPeerConnectionState = 'new';
    iceGatheringState: RTCIceGatheringState = 'complete';
    async setLocalDescription() {}
    async setRemoteDescription() {}
    become(state: RTCPeerConnectionState) {
      this.connectionState = state;
      this.dispatchEvent(new Event('connectionstatechange'));
    }
  }
  function watched() {
    const heard: string[] = [];
    const Watched = iceGatheringPeerConnection(
      FakeConnection as unknown as typeof RTCPeerConnection,
      {
        connected: () => heard.push('connected'),
        failed: () => heard.push('failed'),
      },
    );
    return { heard, connection: new Watched() as unknown as FakeConnection };
  }
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says connected once, and nothing more', async () => {
    vi.useFakeTimers();
    const { heard, connection } = watched();
    await connection.setRemoteDescription();
    connection.become('connected');
    vi.advanceTimersByTime(MEDIA_CONNECT_LIMIT_MS * 2);
    expect(heard).toEqual(['connected']);
  });

  it('says failed when media is not up in time, or when the connection fails', async () => {
    vi.useFakeTimers();
    const slow = watched();
    await slow.connection.setRemoteDescription();
    slow.connection.become('connecting');
    vi.advanceTimersByTime(MEDIA_CONNECT_LIMIT_MS - 1);
    expect(slow.heard).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(slow.heard).toEqual(['failed']);

    const failing = watched();
    await failing.connection.setRemoteDescription();
    failing.connection.become('failed');
    expect(failing.heard).toEqual(['failed']);
  });

  it('says nothing for a call closed before media came up (a hang-up)', async () => {
    vi.useFakeTimers();
    const { heard, connection } = watched();
    await connection.setRemoteDescription();
    connection.become('closed');
    vi.advanceTimersByTime(MEDIA_CONNECT_LIMIT_MS * 2);
    expect(heard).toEqual([]);
  });
});
