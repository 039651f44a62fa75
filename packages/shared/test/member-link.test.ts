import { describe, expect, it } from 'vitest';
import { isEmulatorInfo, isSignalingHost } from '../src/contract.js';
import { parseMemberFrame, parseRoomFrame } from '../src/member-link.js';

/** Each end of the member link reads the other's frames as hostile: anything off the protocol is null. */

describe('parseMemberFrame (what the room accepts from a kit)', () => {
  it('takes a hello naming a loopback Voice URL, an answer and an unreachable', () => {
    expect(parseMemberFrame('{"type":"hello","voiceUrl":"http://127.0.0.1:3000/call"}')).toEqual({
      type: 'hello',
      voiceUrl: 'http://127.0.0.1:3000/call',
    });
    const answer = {
      type: 'answer',
      id: 7,
      status: 200,
      contentType: 'text/xml',
      body: '<Response/>',
    };
    expect(parseMemberFrame(JSON.stringify(answer))).toEqual(answer);
    expect(parseMemberFrame('{"type":"unreachable","id":7,"reason":"ECONNREFUSED"}')).toEqual({
      type: 'unreachable',
      id: 7,
      reason: 'ECONNREFUSED',
    });
  });

  it.each([
    ['a Voice URL off loopback', { type: 'hello', voiceUrl: 'http://10.0.0.5:3000/call' }],
    [
      'https to loopback (the kit serves http)',
      { type: 'hello', voiceUrl: 'https://127.0.0.1/call' },
    ],
    [
      'a name that only starts like loopback',
      { type: 'hello', voiceUrl: 'http://127.0.0.1.evil.example/call' },
    ],
    ['a Voice URL with a space', { type: 'hello', voiceUrl: 'http://127.0.0.1:3000/ca ll' }],
    ['an answer without a body', { type: 'answer', id: 1, status: 200, contentType: 'text/xml' }],
    ['a status outside HTTP', { type: 'answer', id: 1, status: 99, contentType: '', body: '' }],
    ['an id that is not a positive integer', { type: 'unreachable', id: -1, reason: 'x' }],
    ['a long reason', { type: 'unreachable', id: 1, reason: 'x'.repeat(201) }],
    ['a frame the room sends', { type: 'ready', emulatorPort: 4601 }],
    ['an array', [1, 2]],
    ['no type', { voiceUrl: 'http://127.0.0.1:3000/call' }],
  ])('refuses %s', (_case, frame) => {
    expect(parseMemberFrame(JSON.stringify(frame))).toBeNull();
  });

  it('refuses text that is not JSON', () => {
    expect(parseMemberFrame('hello')).toBeNull();
  });
});

describe('parseRoomFrame (what a kit accepts from the room)', () => {
  it('takes ready, webhook and cancel, and keeps only the listed fields', () => {
    expect(parseRoomFrame('{"type":"ready","emulatorPort":4601,"extra":1}')).toEqual({
      type: 'ready',
      emulatorPort: 4601,
    });
    const webhook = {
      type: 'webhook',
      id: 3,
      params: { To: 'bob', From: 'client:alice' },
      signature: 'abc+/=',
    };
    expect(parseRoomFrame(JSON.stringify(webhook))).toEqual(webhook);
    expect(parseRoomFrame('{"type":"cancel","id":3}')).toEqual({ type: 'cancel', id: 3 });
  });

  it.each([
    ['port 0', { type: 'ready', emulatorPort: 0 }],
    ['a port past 65535', { type: 'ready', emulatorPort: 70000 }],
    [
      'a parameter name that is not a word',
      { type: 'webhook', id: 1, params: { 'a b': 'x' }, signature: 'a' },
    ],
    [
      '__proto__ as a parameter',
      JSON.parse('{"type":"webhook","id":1,"params":{"__proto__":"x"},"signature":"a"}'),
    ],
    [
      'a parameter that is not a string',
      { type: 'webhook', id: 1, params: { To: 1 }, signature: 'a' },
    ],
    [
      '65 parameters',
      {
        type: 'webhook',
        id: 1,
        params: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`P${i}`, 'x'])),
        signature: 'a',
      },
    ],
    ['a signature that is not base64', { type: 'webhook', id: 1, params: {}, signature: 'a"b' }],
    ['a frame the kit sends', { type: 'hello', voiceUrl: 'http://127.0.0.1:3000/call' }],
  ])('refuses %s', (_case, frame) => {
    expect(parseRoomFrame(JSON.stringify(frame))).toBeNull();
  });
});

describe('isSignalingHost / isEmulatorInfo (where a phone may register)', () => {
  it('takes loopback always, and the room host only when the kit names that room', () => {
    expect(isSignalingHost('127.0.0.1:3001')).toBe(true);
    expect(isSignalingHost('10.200.0.1:4601')).toBe(false);
    expect(isSignalingHost('10.200.0.1:4601', '10.200.0.1')).toBe(true);
    expect(isSignalingHost('[fd00::1]:4601', '[fd00::1]')).toBe(true);
    expect(isEmulatorInfo({ signalingHost: '10.200.0.1:4601' }, '10.200.0.1')).toBe(true);
    expect(isEmulatorInfo({ signalingHost: '10.200.0.1:4601' })).toBe(false);
  });

  it.each([
    ['another host', '10.200.0.2:4601'],
    ['a longer host with the same start', '10.200.0.10:4601'],
    ['no port', '10.200.0.1'],
    ['port 0', '10.200.0.1:0'],
    ['a path after the port', '10.200.0.1:4601/x'],
    ['a user part', 'x@10.200.0.1:4601'],
  ])('refuses %s for the room 10.200.0.1', (_case, host) => {
    expect(isSignalingHost(host, '10.200.0.1')).toBe(false);
  });
});
