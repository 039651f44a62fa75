/**
 * The call flow of step 04 as a sequence diagram, drawn as SVG at build time
 * (no diagram library in the browser, nothing fetched at run time).
 */

interface Participant {
  id: string;
  /** Up to two lines. */
  label: [string, string?];
}

type Row =
  | { kind: 'message'; from: string; to: string; text: string; reply?: boolean }
  | { kind: 'note'; over: string; text: string };

export const PARTICIPANTS: readonly Participant[] = [
  { id: 'a', label: ['ブラウザ A', '(alice)'] },
  { id: 'token', label: ['/voice-token', '(Public)'] },
  { id: 'twilio', label: ['Twilio', '(エミュレーター)'] },
  { id: 'app', label: ['TwiML App', '(Voice URL)'] },
  { id: 'call', label: ['/call', '(Protected)'] },
  { id: 'b', label: ['ブラウザ B', '(bob)'] },
];

/** Short labels: the numbered list under the diagram on the step 04 page says the rest. */
export const ROWS: readonly Row[] = [
  { kind: 'message', from: 'b', to: 'token', text: '① トークン取得(bob)' },
  { kind: 'message', from: 'b', to: 'twilio', text: '② register()' },
  { kind: 'message', from: 'a', to: 'token', text: '③ トークン取得(alice)' },
  { kind: 'message', from: 'token', to: 'a', text: '④ { token }', reply: true },
  { kind: 'message', from: 'a', to: 'twilio', text: '⑤ connect(To: bob)' },
  { kind: 'message', from: 'twilio', to: 'app', text: '⑥ AP… を参照' },
  { kind: 'message', from: 'app', to: 'call', text: '⑦ POST(署名付き)' },
  { kind: 'message', from: 'call', to: 'twilio', text: '⑧ <Dial><Client>bob', reply: true },
  { kind: 'message', from: 'twilio', to: 'b', text: '⑨ 着信' },
  { kind: 'message', from: 'b', to: 'twilio', text: '⑩ accept()', reply: true },
  { kind: 'note', over: 'a', text: '⑪ A と B の音声が WebRTC でつながる' },
];

const COLUMN = 125;
const MARGIN = 20;
const HEAD = 56;
const ROW = 40;
const FONT = "'Hiragino Sans','Noto Sans CJK JP','Yu Gothic',sans-serif";

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function center(id: string): number {
  const index = PARTICIPANTS.findIndex((participant) => participant.id === id);
  if (index < 0) throw new Error(`unknown participant ${id}`);
  return MARGIN + index * COLUMN + COLUMN / 2;
}

export function callFlowSvg(): string {
  const width = MARGIN * 2 + PARTICIPANTS.length * COLUMN;
  const top = MARGIN + HEAD;
  const height = top + (ROWS.length + 1) * ROW + MARGIN;
  const parts: string[] = [];

  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  for (const participant of PARTICIPANTS) {
    const x = center(participant.id);
    parts.push(
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${height - MARGIN}" stroke="#9ca3af" stroke-dasharray="4 4"/>`,
      `<rect x="${x - COLUMN / 2 + 5}" y="${MARGIN}" width="${COLUMN - 10}" height="${HEAD - 8}" rx="6" fill="#eef2ff" stroke="#4f46e5"/>`,
      `<text x="${x}" y="${MARGIN + 20}" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(participant.label[0])}</text>`,
    );
    if (participant.label[1]) {
      parts.push(
        `<text x="${x}" y="${MARGIN + 39}" text-anchor="middle" font-size="10" fill="#4b5563">${escapeXml(participant.label[1])}</text>`,
      );
    }
  }

  ROWS.forEach((row, index) => {
    const y = top + (index + 1) * ROW;
    if (row.kind === 'note') {
      const x1 = center(row.over) - COLUMN / 2 + 12;
      const x2 = center(PARTICIPANTS.at(-1)?.id ?? row.over) + COLUMN / 2 - 12;
      parts.push(
        `<rect x="${x1}" y="${y - 20}" width="${x2 - x1}" height="28" rx="4" fill="#fef9c3" stroke="#ca8a04"/>`,
        `<text x="${(x1 + x2) / 2}" y="${y - 1}" text-anchor="middle" font-size="13">${escapeXml(row.text)}</text>`,
      );
      return;
    }
    const x1 = center(row.from);
    const x2 = center(row.to);
    const direction = x2 > x1 ? 1 : -1;
    const tip = x2 - direction * 2;
    const dash = row.reply ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<line x1="${x1}" y1="${y}" x2="${tip}" y2="${y}" stroke="#111827" stroke-width="1.5"${dash}/>`,
      `<path d="M ${tip} ${y} l ${-direction * 9} -5 l 0 10 z" fill="#111827"/>`,
      `<text x="${(x1 + x2) / 2}" y="${y - 7}" text-anchor="middle" font-size="13" paint-order="stroke" stroke="#ffffff" stroke-width="4">${escapeXml(row.text)}</text>`,
    );
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="title" font-family="${FONT}" fill="#111827">`,
    '<title id="title">ブラウザ電話の通話の流れ(トークン取得から着信まで)</title>',
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
