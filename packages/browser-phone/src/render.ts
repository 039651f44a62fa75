import { type DiagnosticCheck, STATUS_MARKS } from './diagnostics.js';
import type { PhoneElements } from './dom.js';
import { controlsFor, type PhoneState, STATUS_LABELS } from './phone-state.js';

/** Puts a state on the page: status line, which controls are usable, the incoming panel. */
export function renderPhone(elements: PhoneElements, state: PhoneState, busy: boolean): void {
  elements.status.textContent = STATUS_LABELS[state.status];
  elements.status.dataset.status = state.status;

  const controls = controlsFor(state);
  elements.init.disabled = busy || !controls.init;
  elements.dial.disabled = busy || !controls.dial;
  elements.answer.disabled = !controls.answer;
  elements.reject.disabled = !controls.reject;
  elements.hangUp.disabled = !controls.hangUp;
  elements.mute.disabled = !controls.mute;
  elements.mute.setAttribute('aria-pressed', String(state.muted));
  elements.mute.textContent = state.muted ? 'ミュート解除' : 'ミュート';
  elements.keypad.disabled = !controls.keypad;

  elements.incoming.hidden = state.status !== 'incoming';
  elements.incomingFrom.textContent = state.status === 'incoming' ? (state.peer ?? '') : '';
  elements.peer.textContent = peerLine(state);
}

function peerLine(state: PhoneState): string {
  if (!state.peer) return '';
  switch (state.status) {
    case 'calling':
    case 'ringing':
      return `${state.peer} さんに発信しています`;
    case 'in-call':
      return `${state.peer} さんと通話中`;
    case 'ended':
      return `${state.peer} さんとの通話は終了しました`;
    default:
      return '';
  }
}

export interface ShownError {
  message: string;
  code?: string | number;
  hint?: string;
}

/** One error at a time, in Japanese, with the code to look up and what to do. */
export function showError(elements: PhoneElements, error: ShownError | null): void {
  elements.error.replaceChildren();
  elements.error.hidden = error === null;
  if (error === null) return;
  const message = document.createElement('p');
  message.textContent = error.message;
  elements.error.append(message);
  if (error.hint) {
    const hint = document.createElement('p');
    hint.textContent = error.hint;
    elements.error.append(hint);
  }
  if (error.code !== undefined) {
    const code = document.createElement('p');
    code.className = 'code';
    code.textContent = `エラーコード: ${error.code}`;
    elements.error.append(code);
  }
}

/** The 診断 panel: one line per check, then the latest errors with their codes and hints. */
export function renderDiagnostics(
  elements: PhoneElements,
  checks: readonly DiagnosticCheck[],
  errors: readonly ShownError[],
): void {
  elements.diagChecks.replaceChildren(
    ...checks.map((check) => {
      const item = document.createElement('li');
      item.dataset.check = check.id;
      item.dataset.status = check.status;
      item.textContent = `${STATUS_MARKS[check.status]} ${check.label}: ${check.detail}`;
      return item;
    }),
  );
  elements.diagErrors.replaceChildren(
    ...(errors.length === 0 ? ['まだエラーはありません。'] : errors.map(describeError)).map(
      (text) => {
        const item = document.createElement('li');
        item.textContent = text;
        return item;
      },
    ),
  );
}

function describeError(error: ShownError): string {
  const code = error.code !== undefined ? `[${error.code}] ` : '';
  return `${code}${error.message}${error.hint ? ` ${error.hint}` : ''}`;
}
