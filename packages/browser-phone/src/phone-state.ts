/**
 * The phone's state, as a pure reducer: the UI renders it, the SDK's events feed it.
 * Keeping it free of the SDK and the DOM makes every transition unit-testable.
 */
export type PhoneStatus =
  | 'unregistered'
  | 'registering'
  | 'registered'
  | 'calling'
  | 'ringing'
  | 'incoming'
  | 'in-call'
  | 'ended';

export const STATUS_LABELS: Readonly<Record<PhoneStatus, string>> = {
  unregistered: '未登録',
  registering: '登録中',
  registered: '登録済み',
  calling: '発信中',
  ringing: '呼出中',
  incoming: '着信中',
  'in-call': '通話中',
  ended: '終了',
};

export interface PhoneState {
  status: PhoneStatus;
  /** Our identity once registered. */
  identity: string | null;
  /** The other side of the current or last call. */
  peer: string | null;
  muted: boolean;
}

export type PhoneEvent =
  | { type: 'init-requested'; identity: string }
  | { type: 'registered' }
  | { type: 'unregistered' }
  | { type: 'dialed'; to: string }
  | { type: 'ringing' }
  | { type: 'accepted' }
  | { type: 'incoming'; from: string }
  | { type: 'mute-changed'; muted: boolean }
  | { type: 'call-ended' }
  /** The 終了 notice has been shown long enough: back to 登録済み. */
  | { type: 'end-acknowledged' };

export const initialPhoneState: PhoneState = {
  status: 'unregistered',
  identity: null,
  peer: null,
  muted: false,
};

const IDLE: ReadonlySet<PhoneStatus> = new Set(['registered', 'ended']);
const IN_A_CALL: ReadonlySet<PhoneStatus> = new Set(['calling', 'ringing', 'incoming', 'in-call']);

export function isIdle(state: PhoneState): boolean {
  return IDLE.has(state.status);
}

export function hasCall(state: PhoneState): boolean {
  return IN_A_CALL.has(state.status);
}

export function phoneReducer(state: PhoneState, event: PhoneEvent): PhoneState {
  switch (event.type) {
    case 'init-requested':
      if (hasCall(state)) return state;
      return { ...initialPhoneState, status: 'registering', identity: event.identity };
    case 'registered':
      return hasCall(state) ? state : { ...state, status: 'registered' };
    case 'unregistered':
      return { ...initialPhoneState };
    case 'dialed':
      if (!isIdle(state)) return state;
      return { ...state, status: 'calling', peer: event.to, muted: false };
    case 'ringing':
      return state.status === 'calling' ? { ...state, status: 'ringing' } : state;
    case 'accepted':
      return state.status === 'calling' || state.status === 'ringing' || state.status === 'incoming'
        ? { ...state, status: 'in-call' }
        : state;
    case 'incoming':
      if (!isIdle(state)) return state;
      return { ...state, status: 'incoming', peer: event.from, muted: false };
    case 'mute-changed':
      return hasCall(state) ? { ...state, muted: event.muted } : state;
    case 'call-ended':
      return hasCall(state) ? { ...state, status: 'ended', muted: false } : state;
    case 'end-acknowledged':
      return state.status === 'ended' ? { ...state, status: 'registered' } : state;
  }
}

/** Which controls make sense in each state. */
export interface Controls {
  init: boolean;
  dial: boolean;
  answer: boolean;
  reject: boolean;
  hangUp: boolean;
  mute: boolean;
  keypad: boolean;
}

export function controlsFor(state: PhoneState): Controls {
  const idle = isIdle(state);
  return {
    init: state.status === 'unregistered' || idle,
    dial: idle,
    answer: state.status === 'incoming',
    reject: state.status === 'incoming',
    hangUp: state.status === 'calling' || state.status === 'ringing' || state.status === 'in-call',
    mute: state.status === 'in-call',
    keypad: state.status === 'in-call',
  };
}
