import { describe, expect, it } from 'vitest';
import { installEmulatorWebSocket, waitForIceGathering } from '../src/emulator-mode.js';

class RecordingWebSocket {
  static readonly urls: string[] = [];
  constructor(url: string | URL) {
    RecordingWebSocket.urls.push(String(url));
  }
}

describe('installEmulatorWebSocket', () => {
  it("downgrades wss:// to ws:// for the emulator's host only", () => {
    const scope = { WebSocket: RecordingWebSocket } as unknown as typeof globalThis;
    installEmulatorWebSocket('127.0.0.1:4100', scope);
    new scope.WebSocket('wss://127.0.0.1:4100/signal');
    new scope.WebSocket('wss://127.0.0.1:4101/signal');
    new scope.WebSocket('wss://chunderw-vpc-gll.twilio.com/signal');
    expect(RecordingWebSocket.urls).toEqual([
      'ws://127.0.0.1:4100/signal',
      'wss://127.0.0.1:4101/signal',
      'wss://chunderw-vpc-gll.twilio.com/signal',
    ]);
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
