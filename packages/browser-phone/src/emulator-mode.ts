/**
 * What the real Voice SDK needs to talk to the local emulator instead of Twilio.
 * Nothing here runs in Twilio mode: the app loads it only when the token
 * endpoint says an emulator is configured.
 */

/**
 * The SDK always dials `wss://<chunderw>/signal`; the emulator speaks plain
 * `ws://` on loopback. Swap the scheme for that one host only. This must run
 * before the SDK module is evaluated: it captures `WebSocket` when it loads.
 */
export function installEmulatorWebSocket(
  signalingHost: string,
  scope: typeof globalThis = globalThis,
): void {
  const Native = scope.WebSocket;
  const secureOrigin = `wss://${signalingHost}/`;
  class EmulatorWebSocket extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      const text = String(url);
      super(
        text.startsWith(secureOrigin) ? `ws://${text.slice('wss://'.length)}` : text,
        protocols,
      );
    }
  }
  scope.WebSocket = EmulatorWebSocket;
}

/** Gathering on loopback takes milliseconds; stop waiting after this, and send what there is. */
const ICE_GATHERING_LIMIT_MS = 3000;

/**
 * Twilio's media servers need no ICE candidates in the SDP, so the SDK sends its
 * offer right after `setLocalDescription`. Browser-to-browser media does need
 * them: resolve `setLocalDescription` only once gathering is complete, so the
 * SDP the SDK reads afterwards carries the candidates.
 */
export function iceGatheringPeerConnection(
  Base: typeof RTCPeerConnection,
): typeof RTCPeerConnection {
  return class IceGatheringPeerConnection extends Base {
    override async setLocalDescription(
      description?: RTCLocalSessionDescriptionInit,
    ): Promise<void> {
      await super.setLocalDescription(description);
      await waitForIceGathering(this, ICE_GATHERING_LIMIT_MS);
    }
  };
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
