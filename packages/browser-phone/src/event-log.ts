const MAX_ENTRIES = 200;

/** The event log panel: newest last, capped so a long session stays light. */
export function appendLog(list: HTMLOListElement, message: string, now: Date = new Date()): void {
  const entry = document.createElement('li');
  const time = now.toLocaleTimeString('ja-JP', { hour12: false });
  entry.textContent = `${time} ${message}`;
  list.append(entry);
  while (list.children.length > MAX_ENTRIES) list.firstElementChild?.remove();
  entry.scrollIntoView?.({ block: 'nearest' });
}
