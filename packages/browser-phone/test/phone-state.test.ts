import { describe, expect, it } from 'vitest';
import {
  controlsFor,
  initialPhoneState,
  type PhoneEvent,
  type PhoneState,
  phoneReducer,
} from '../src/phone-state.js';

const run = (events: PhoneEvent[], from: PhoneState = initialPhoneState) =>
  events.reduce(phoneReducer, from);
const registered = run([{ type: 'init-requested', identity: 'alice' }, { type: 'registered' }]);

describe('phoneReducer', () => {
  it('registers: 未登録 → 登録中 → 登録済み', () => {
    const registering = run([{ type: 'init-requested', identity: 'alice' }]);
    expect(registering).toMatchObject({ status: 'registering', identity: 'alice' });
    expect(registered.status).toBe('registered');
  });

  it('places a call: 発信中 → 呼出中 → 通話中 → 終了, and can dial again after', () => {
    const calling = run([{ type: 'dialed', to: 'bob' }], registered);
    expect(calling).toMatchObject({ status: 'calling', peer: 'bob' });
    const ringing = phoneReducer(calling, { type: 'ringing' });
    expect(ringing.status).toBe('ringing');
    const inCall = phoneReducer(ringing, { type: 'accepted' });
    expect(inCall.status).toBe('in-call');
    const ended = phoneReducer(inCall, { type: 'call-ended' });
    expect(ended).toMatchObject({ status: 'ended', peer: 'bob' });
    expect(phoneReducer(ended, { type: 'dialed', to: 'carol' }).status).toBe('calling');
    expect(phoneReducer(ended, { type: 'end-acknowledged' }).status).toBe('registered');
    expect(phoneReducer(inCall, { type: 'end-acknowledged' })).toEqual(inCall);
  });

  it('takes an incoming call only when idle', () => {
    const incoming = phoneReducer(registered, { type: 'incoming', from: 'bob' });
    expect(incoming).toMatchObject({ status: 'incoming', peer: 'bob' });
    expect(phoneReducer(incoming, { type: 'accepted' }).status).toBe('in-call');
    const inCall = run([{ type: 'dialed', to: 'carol' }, { type: 'accepted' }], registered);
    expect(phoneReducer(inCall, { type: 'incoming', from: 'dave' })).toEqual(inCall);
  });

  it('tracks mute only during a call and clears it when the call ends', () => {
    const inCall = run([{ type: 'dialed', to: 'bob' }, { type: 'accepted' }], registered);
    const muted = phoneReducer(inCall, { type: 'mute-changed', muted: true });
    expect(muted.muted).toBe(true);
    expect(phoneReducer(muted, { type: 'call-ended' }).muted).toBe(false);
    expect(phoneReducer(registered, { type: 'mute-changed', muted: true }).muted).toBe(false);
  });

  it('ignores events that make no sense in the current state', () => {
    expect(phoneReducer(initialPhoneState, { type: 'dialed', to: 'bob' })).toEqual(
      initialPhoneState,
    );
    expect(phoneReducer(registered, { type: 'ringing' })).toEqual(registered);
    expect(phoneReducer(registered, { type: 'accepted' })).toEqual(registered);
    expect(phoneReducer(registered, { type: 'call-ended' })).toEqual(registered);
    const inCall = run([{ type: 'dialed', to: 'bob' }, { type: 'accepted' }], registered);
    expect(phoneReducer(inCall, { type: 'init-requested', identity: 'x' })).toEqual(inCall);
    expect(phoneReducer(inCall, { type: 'registered' })).toEqual(inCall);
  });

  it('drops everything when the device unregisters', () => {
    expect(phoneReducer(registered, { type: 'unregistered' })).toEqual(initialPhoneState);
  });
});

describe('controlsFor', () => {
  it('enables only what makes sense', () => {
    expect(controlsFor(initialPhoneState)).toEqual({
      init: true,
      dial: false,
      answer: false,
      reject: false,
      hangUp: false,
      mute: false,
      keypad: false,
    });
    expect(controlsFor(registered)).toMatchObject({ init: true, dial: true, hangUp: false });
    const incoming = phoneReducer(registered, { type: 'incoming', from: 'bob' });
    expect(controlsFor(incoming)).toMatchObject({
      answer: true,
      reject: true,
      dial: false,
      init: false,
      hangUp: false,
    });
    const inCall = phoneReducer(incoming, { type: 'accepted' });
    expect(controlsFor(inCall)).toMatchObject({
      hangUp: true,
      mute: true,
      keypad: true,
      dial: false,
      answer: false,
    });
    const ringing = run([{ type: 'dialed', to: 'bob' }, { type: 'ringing' }], registered);
    expect(controlsFor(ringing)).toMatchObject({ hangUp: true, mute: false, keypad: false });
  });
});
