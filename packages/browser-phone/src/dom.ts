/** The page's elements, looked up once and typed; a missing one is a build bug. */
export interface PhoneElements {
  status: HTMLElement;
  mode: HTMLElement;
  error: HTMLElement;
  initForm: HTMLFormElement;
  identity: HTMLInputElement;
  passcode: HTMLInputElement;
  init: HTMLButtonElement;
  dialForm: HTMLFormElement;
  destination: HTMLInputElement;
  dial: HTMLButtonElement;
  incoming: HTMLElement;
  incomingFrom: HTMLElement;
  answer: HTMLButtonElement;
  reject: HTMLButtonElement;
  peer: HTMLElement;
  hangUp: HTMLButtonElement;
  mute: HTMLButtonElement;
  keypad: HTMLFieldSetElement;
  inputDevice: HTMLSelectElement;
  outputDevice: HTMLSelectElement;
  micLevel: HTMLMeterElement;
  log: HTMLOListElement;
  diagnostics: HTMLDetailsElement;
  diagChecks: HTMLUListElement;
  diagErrors: HTMLOListElement;
  preflight: HTMLButtonElement;
  preflightReport: HTMLPreElement;
}

export function find<T extends Element>(root: ParentNode, id: string, type: new () => T): T {
  const element = root.querySelector(`#${id}`);
  if (!(element instanceof type)) throw new Error(`#${id} is missing or not a ${type.name}`);
  return element;
}

export function findPhoneElements(root: ParentNode = document): PhoneElements {
  return {
    status: find(root, 'status', HTMLElement),
    mode: find(root, 'mode', HTMLElement),
    error: find(root, 'error', HTMLElement),
    initForm: find(root, 'init-form', HTMLFormElement),
    identity: find(root, 'identity', HTMLInputElement),
    passcode: find(root, 'passcode', HTMLInputElement),
    init: find(root, 'init', HTMLButtonElement),
    dialForm: find(root, 'dial-form', HTMLFormElement),
    destination: find(root, 'destination', HTMLInputElement),
    dial: find(root, 'dial', HTMLButtonElement),
    incoming: find(root, 'incoming', HTMLElement),
    incomingFrom: find(root, 'incoming-from', HTMLElement),
    answer: find(root, 'answer', HTMLButtonElement),
    reject: find(root, 'reject', HTMLButtonElement),
    peer: find(root, 'peer', HTMLElement),
    hangUp: find(root, 'hangup', HTMLButtonElement),
    mute: find(root, 'mute', HTMLButtonElement),
    keypad: find(root, 'keypad', HTMLFieldSetElement),
    inputDevice: find(root, 'input-device', HTMLSelectElement),
    outputDevice: find(root, 'output-device', HTMLSelectElement),
    micLevel: find(root, 'mic-level', HTMLMeterElement),
    log: find(root, 'log', HTMLOListElement),
    diagnostics: find(root, 'diagnostics', HTMLDetailsElement),
    diagChecks: find(root, 'diag-checks', HTMLUListElement),
    diagErrors: find(root, 'diag-errors', HTMLOListElement),
    preflight: find(root, 'preflight', HTMLButtonElement),
    preflightReport: find(root, 'preflight-report', HTMLPreElement),
  };
}
