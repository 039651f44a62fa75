import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ANSWER_SDP, Harness } from './support/harness.js';

const harness = new Harness();
beforeAll(() => harness.start({ maxFrameBytes: 4096 }));
afterEach(() => harness.expectIdle());
afterAll(() => harness.stop());

describe('frames the server refuses (error 31100, socket kept open)', () => {
  it.each([
    ['not JSON', '{"type":'],
    ['a JSON array', '[1,2]'],
    ['JSON without a type', '{"payload":{}}'],
    ['a payload that is not an object', '{"type":"listen","payload":"x"}'],
    ['an unknown type', '{"type":"presence","payload":{},"version":"1.6"}'],
    ['answer without callsid', '{"type":"answer","payload":{"sdp":"x"},"version":"1.6"}'],
    ['hangup with an empty callsid', '{"type":"hangup","payload":{"callsid":""},"version":"1.6"}'],
    [
      'a reconnect invite without callsid',
      '{"type":"invite","payload":{"reconnect":"RC1","sdp":"x"},"version":"1.6"}',
    ],
    ['a new invite without callsid', '{"type":"invite","payload":{"sdp":"x"},"version":"1.6"}'],
  ])('answers %s with 31100', async (_name, frame) => {
    const device = await harness.device();
    await device.listen(harness.token('alice'));
    device.sendRaw(frame);
    expect((await device.next('error')).payload.error).toMatchObject({ code: 31100 });
    expect(device.unread('hangup')).toEqual([]);
    expect(device.isOpen).toBe(true);
  });

  it('answers a frame over maxFrameBytes with 31100 and keeps serving the socket', async () => {
    const device = await harness.device();
    device.sendRaw(JSON.stringify({ type: 'listen', payload: { token: 'x'.repeat(5000) } }));
    const error = await device.next('error');
    expect(error.payload.error).toMatchObject({ code: 31100 });
    expect(String((error.payload.error as { message: string }).message)).toContain('大きすぎ');
    expect((await device.listen(harness.token('alice'))).type).toBe('connected');
    expect(harness.emulator.stats().totals.rejectedFrames).toBeGreaterThan(0);
  });

  it('closes only the offending socket (1009) for a frame over the hard WebSocket cap', async () => {
    const bystander = await harness.registered('bob');
    const device = await harness.device();
    const closed = new Promise<number>((resolve) => device.socket.once('close', resolve));
    device.sendRaw('x'.repeat(1024 * 1024 + 10));
    expect(await closed).toBe(1009);
    bystander.send('register', { media: { audio: true } });
    await bystander.next('ready');
    expect(harness.emulator.stats()).toMatchObject({ devices: 1 });
  });

  it('ignores binary frames, as PStream does', async () => {
    const device = await harness.device();
    device.sendRaw(Buffer.from([0, 1, 2, 3]));
    await device.listen(harness.token('alice'));
    expect(device.unread('error')).toEqual([]);
  });

  it('answers an answer for a call that does not exist with hangup, so the accepted Call ends', async () => {
    const device = await harness.registered('bob');
    device.send('answer', { callsid: `CA${'0'.repeat(32)}`, sdp: ANSWER_SDP });
    expect((await device.next('hangup')).payload).toEqual({ callsid: `CA${'0'.repeat(32)}` });
  });

  it('quietly ignores a hangup for a call that already ended', async () => {
    const device = await harness.registered('bob');
    device.send('hangup', { callsid: `CA${'1'.repeat(32)}` });
    device.send('reject', { callsid: `CA${'1'.repeat(32)}` });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(device.unread()).toEqual([]);
  });
});
