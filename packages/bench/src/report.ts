import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One figure, always next to the baseline measured (or quoted) in the same run. */
export interface Figure {
  section: string;
  metric: string;
  unit: string;
  value: number;
  baseline: { label: string; value: number; measured: boolean };
  /** `value / baseline.value`. */
  ratio: number;
  /** A stated target and whether this run met it. */
  target?: { text: string; pass: boolean };
  note?: string;
}

export function figure(
  fields: Omit<Figure, 'ratio' | 'baseline'> & {
    baseline: { label: string; value: number; measured?: boolean };
  },
): Figure {
  const baseline = { measured: true, ...fields.baseline };
  return { ...fields, baseline, ratio: fields.value / baseline.value };
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A Markdown table, so the same text goes to the terminal and to the README. */
export function renderTable(figures: readonly Figure[]): string {
  const header = ['section', 'metric', 'value', 'baseline', 'ratio', 'target'];
  const rows = figures.map((item) => [
    item.section,
    item.metric,
    `${formatNumber(item.value)} ${item.unit}`,
    `${formatNumber(item.baseline.value)} ${item.unit} (${item.baseline.label}${item.baseline.measured ? '' : ', quoted'})`,
    `${item.ratio.toFixed(2)}×`,
    item.target ? `${item.target.pass ? 'PASS' : 'MISS'} ${item.target.text}` : '',
  ]);
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export async function saveResults(
  dir: string,
  results: { figures: Figure[]; notes: string[]; startedAt: string; seconds: number },
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `bench-${results.startedAt.replace(/[:.]/g, '-')}.json`);
  const body = `${JSON.stringify(results, null, 2)}\n`;
  await writeFile(file, body);
  await writeFile(join(dir, 'latest.json'), body);
  return file;
}
