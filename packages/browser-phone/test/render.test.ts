import { beforeEach, describe, expect, it } from 'vitest';
import page from '../index.html?raw';
import { findPhoneElements, type PhoneElements } from '../src/dom.js';
import { initialPhoneState, phoneReducer } from '../src/phone-state.js';
import { renderPhone, showError } from '../src/render.js';

describe('the page', () => {
  let elements: PhoneElements;
  beforeEach(() => {
    document.documentElement.innerHTML = page.replace(/<script[\s\S]*?<\/script>/g, '');
    elements = findPhoneElements();
  });

  it('ties every input to a label', () => {
    for (const input of document.querySelectorAll('input, select, meter')) {
      expect(document.querySelector(`label[for="${input.id}"]`), input.id).not.toBeNull();
    }
  });

  it("keeps the original hands-on's labels", () => {
    const labels = [...document.querySelectorAll('button')].map((button) =>
      button.textContent?.trim(),
    );
    for (const label of ['初期化', '発信', '応答', '終了']) expect(labels).toContain(label);
  });

  it('shows the state and enables only the matching controls', () => {
    renderPhone(elements, initialPhoneState, false);
    expect(elements.status.textContent).toBe('未登録');
    expect(elements.dial.disabled).toBe(true);
    expect(elements.init.disabled).toBe(false);

    const incoming = [
      { type: 'init-requested', identity: 'alice' },
      { type: 'registered' },
      { type: 'incoming', from: 'bob' },
    ] as const;
    const state = incoming.reduce(phoneReducer, initialPhoneState);
    renderPhone(elements, state, false);
    expect(elements.status.textContent).toBe('着信中');
    expect(elements.incoming.hidden).toBe(false);
    expect(elements.incomingFrom.textContent).toBe('bob');
    expect(elements.answer.disabled).toBe(false);
    expect(elements.keypad.disabled).toBe(true);
  });

  it('disables initialisation while a request is in flight', () => {
    renderPhone(elements, initialPhoneState, true);
    expect(elements.init.disabled).toBe(true);
  });

  it('shows an error with its code and hint, as text (never as markup)', () => {
    showError(elements, {
      message: '<b>x</b> が違います',
      code: 20101,
      hint: 'やり直してください',
    });
    expect(elements.error.hidden).toBe(false);
    expect(elements.error.textContent).toContain('<b>x</b> が違います');
    expect(elements.error.querySelector('b')).toBeNull();
    expect(elements.error.textContent).toContain('エラーコード: 20101');
    showError(elements, null);
    expect(elements.error.hidden).toBe(true);
  });
});
