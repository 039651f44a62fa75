/**
 * What `parseEnv` forgives or silently drops, found in the raw text of `.env`:
 * a BOM, CRLF or lone CR line ends, quotes and spaces around or inside values,
 * full-width characters (an IME left on), lines it cannot read, duplicates,
 * `export NAME=` lines (read by the kit, dropped by twilio-run's dotenv).
 * Findings name the line and the variable, never the value.
 */
export interface RawEnvLine {
  lineNumber: number;
  name: string;
  /** Everything after `=`, untouched (may hold quotes and spaces). */
  rawValue: string;
}

export interface RawEnvFinding {
  severity: 'warn' | 'fail';
  /** English id suffix, e.g. `quotes`. */
  kind: string;
  /** The variable concerned, when there is one. */
  name?: string;
  message: string;
  fix: string;
}

export interface RawEnvScan {
  lines: RawEnvLine[];
  findings: RawEnvFinding[];
}

const FULL_WIDTH = /[\u3000\uFF01-\uFF5E]/;
const SMART_QUOTES = /[\u2018\u2019\u201C\u201D\u300C\u300D]/;

export function scanRawEnv(
  text: string,
  relevantNames: ReadonlySet<string>,
  secretNames: ReadonlySet<string>,
): RawEnvScan {
  const findings: RawEnvFinding[] = [];
  if (text.startsWith('\uFEFF')) {
    findings.push({
      severity: 'warn',
      kind: 'bom',
      message:
        '.env の先頭に BOM(U+FEFF)があります。キットは読めますが、ほかのツールでは 1 行目の変数名が壊れます。',
      fix: "sed -i '1s/^\\xEF\\xBB\\xBF//' .env(またはエディターで「BOM なし UTF-8」で保存)",
    });
  }
  const body = text.replace(/^\uFEFF/, '');
  if (/\r(?!\n)/.test(body)) {
    findings.push({
      severity: 'fail',
      kind: 'cr',
      message:
        '.env の改行が CR だけです(古い Mac 形式)。ファイル全体が 1 行として読まれ、変数が見つかりません。',
      fix: "sed -i 's/\\r/\\n/g' .env(またはエディターで改行コードを LF にして保存)",
    });
  } else if (body.includes('\r\n')) {
    findings.push({
      severity: 'warn',
      kind: 'crlf',
      message:
        '.env の改行が CRLF(Windows 形式)です。キットは読めますが、シェルで読み込むと値の末尾に \\r が付きます。',
      fix: "sed -i 's/\\r$//' .env(またはエディターで改行コードを LF にして保存)",
    });
  }

  const lines: RawEnvLine[] = [];
  const seen = new Map<string, number>();
  body.split(/\r?\n/).forEach((rawLine, index) => {
    const lineNumber = index + 1;
    const trimmed = rawLine.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(rawLine.trimStart());
    if (!match) {
      const guessed = /^[\s\u3000]*([A-Za-z_][A-Za-z0-9_]*)/.exec(rawLine)?.[1];
      const named = guessed && relevantNames.has(guessed) ? guessed : undefined;
      findings.push({
        severity: named ? 'fail' : 'warn',
        kind: 'unreadable',
        ...(named && { name: named }),
        message: `.env の ${lineNumber} 行目は NAME=値 の形ではないため読み飛ばされます${named ? `(${named} は未設定になります)` : ''}。`,
        fix: `.env の ${lineNumber} 行目を ${named ?? 'NAME'}=値 の形に(= の前後に全角文字や : を使わない)`,
      });
      return;
    }
    const name = match[1] ?? '';
    const rawValue = match[2] ?? '';
    lines.push({ lineNumber, name, rawValue });
    if (/^export\s/.test(rawLine.trimStart())) findings.push(exportFinding(lineNumber, name));
    const previous = seen.get(name);
    if (previous !== undefined && relevantNames.has(name)) {
      findings.push({
        severity: 'warn',
        kind: 'duplicate',
        name,
        message: `${name} が ${previous} 行目と ${lineNumber} 行目の 2 回書かれています(後の ${lineNumber} 行目が使われます)。`,
        fix: `.env の ${previous} 行目を削除`,
      });
    }
    seen.set(name, lineNumber);
    if (relevantNames.has(name))
      findings.push(...valueFindings(lineNumber, name, rawValue, secretNames.has(name)));
  });
  return { lines, findings };
}

/**
 * The kit reads `export NAME=value`, but the dotenv that `twilio-run start` uses
 * (dotenv 6) skips such a line, so the same folder loses the variable there.
 */
function exportFinding(lineNumber: number, name: string): RawEnvFinding {
  return {
    severity: 'warn',
    kind: 'export',
    name,
    message: `.env の ${lineNumber} 行目は export で始まっています。キットは読めますが、twilio-run start はこの行を読み飛ばすため、${name} が未設定になります。`,
    fix: `.env の ${lineNumber} 行目の先頭の export を消す(${name}=… の形に)`,
  };
}

function valueFindings(
  lineNumber: number,
  name: string,
  rawValue: string,
  secret: boolean,
): RawEnvFinding[] {
  const findings: RawEnvFinding[] = [];
  const where = `.env の ${lineNumber} 行目(${name})`;
  const value = rawValue.replace(/\r$/, '');
  const trimmed = value.trim();
  const quoted = /^(['"])(.*)\1$/.exec(trimmed);
  const inner = quoted ? (quoted[2] ?? '') : trimmed;
  // The line as it should read: shown for ordinary values, never for a secret.
  const cleaned = value
    .normalize('NFKC')
    .replace(/[\s'"\u2018\u2019\u201C\u201D\u300C\u300D]/g, '');
  const fixLine = secret
    ? `.env の ${lineNumber} 行目を ${name}=値 の形に(引用符・空白・全角文字を消し、値だけを残す)`
    : `.env の ${lineNumber} 行目を ${name}=${cleaned} に`;
  if (SMART_QUOTES.test(value)) {
    findings.push({
      severity: 'fail',
      kind: 'smart-quotes',
      name,
      message: `${where}に “ ” や「」のような引用符が入っています(値の一部になります)。`,
      fix: fixLine,
    });
  } else if (/['"]/.test(inner) || (!quoted && /^['"]|['"]$/.test(trimmed))) {
    findings.push({
      severity: 'fail',
      kind: 'quotes',
      name,
      message: `${where}の引用符が対になっていません(引用符が値の一部になります)。`,
      fix: fixLine,
    });
  }
  if (FULL_WIDTH.test(value)) {
    findings.push({
      severity: 'fail',
      kind: 'full-width',
      name,
      message: `${where}に全角文字(全角スペースや全角英数字)が入っています。`,
      fix: secret ? `${fixLine}。日本語入力をオフにして入力し直す` : fixLine,
    });
  }
  // A list (ALLOWED_ORIGINS) may have spaces after its commas; nothing else may hold one.
  // ASCII spaces and tabs; a full-width space has its own finding above.
  const space = /[ \t]/;
  const innerSpaces = name === 'ALLOWED_ORIGINS' ? /^[ \t]|[ \t]$/.test(inner) : space.test(inner);
  if (innerSpaces || /^[ \t]|[ \t]$/.test(value)) {
    const trailing = /[ \t]$/.test(value) || /[ \t]$/.test(inner);
    findings.push({
      severity: 'fail',
      kind: 'spaces',
      name,
      message: `${where}の値${trailing ? 'の後ろ' : ''}に空白があります(コピーのときに入りがちです。Console の環境変数などに貼ると値の一部になります)。`,
      fix: fixLine,
    });
  }
  return findings;
}
