import WebSocket from 'ws';

/**
 * A registration as the Voice SDK makes it (PStream 1.6, see
 * packages/emulator/PROTOCOL.md): `listen` with the token → `connected`, then
 * `register` → `ready`. Heartbeats (`"\n"`) are echoed like the SDK does.
 */
export type RegistrationResult =
  | { ok: true; identity: string }
  | { ok: false; stage: 'connect' | 'listen' | 'register'; detail: string };

interface Frame {
  type?: string;
  payload?: Record<string, unknown>;
}

export async function registerWithEmulator(
  signalingHost: string,
  token: string,
  timeoutMs = 5_000,
): Promise<RegistrationResult> {
  const socket = new WebSocket(`ws://${signalingHost}/signal`);
  const frames: Frame[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    const text = data.toString();
    if (text === '\n') {
      socket.send('\n');
      return;
    }
    try {
      frames.push(JSON.parse(text) as Frame);
    } catch {
      frames.push({ type: 'not-json' });
    }
    for (const wake of waiters.splice(0)) wake();
  });
  const send = (type: string, payload: Record<string, unknown>) =>
    socket.send(JSON.stringify({ payload, type, version: '1.6' }));
  const next = async (types: string[]): Promise<Frame | null> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = frames.findIndex((frame) => types.includes(frame.type ?? ''));
      if (index >= 0) return frames.splice(index, 1)[0] ?? null;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  } catch (error) {
    socket.terminate();
    return { ok: false, stage: 'connect', detail: errorText(error) };
  }
  socket.on('error', () => {});
  try {
    send('listen', {
      browserinfo: {
        browser: { platform: 'node', userAgent: 'kit-doctor' },
        p: 'browser',
        plugin: 'rtc',
        v: '2.18.5',
      },
      reconnectTimeout: 0,
      token,
    });
    const listened = await next(['connected', 'error']);
    if (listened?.type !== 'connected') {
      return { ok: false, stage: 'listen', detail: describeRefusal(listened) };
    }
    const tokenInfo = listened.payload?.token as { identity?: unknown } | undefined;
    send('register', { media: { audio: true } });
    const registered = await next(['ready', 'error']);
    if (registered?.type !== 'ready') {
      return { ok: false, stage: 'register', detail: describeRefusal(registered) };
    }
    send('register', { media: { audio: false } });
    await next(['offline']);
    return { ok: true, identity: String(tokenInfo?.identity ?? '') };
  } finally {
    await closeSocket(socket);
  }
}

function describeRefusal(frame: Frame | null): string {
  if (!frame) return '応答がありません';
  const error = frame.payload?.error as { code?: unknown } | undefined;
  return error?.code ? `エラー ${String(error.code)}` : `${frame.type ?? '?'} が返りました`;
}

function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.terminate();
      resolve();
    }, 1_000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close();
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
