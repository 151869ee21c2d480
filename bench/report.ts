/** The rows of the closing table, and every figure by key for the closing JSON line. */
export interface Row {
  figure: string;
  ours: string;
  yardstick: string;
  /** ours / yardstick, as the target states it (e.g. "7.1x", "94%"). */
  ratio: string;
  target: string;
  met: boolean | undefined;
}

const rows: Row[] = [];
const figures: Record<string, unknown> = {};

export const addRow = (row: Row): void => {
  rows.push(row);
};

export const record = (key: string, value: unknown): void => {
  figures[key] = value;
};

/** Prints one line as soon as a figure is known, so a long run shows progress. */
export const say = (line: string): void => {
  console.log(line);
};

const pad = (cells: string[], widths: number[]): string =>
  `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;

export const printReport = (): void => {
  const header = ['figure', 'ours', 'yardstick (same run)', 'ratio', 'target', 'met'];
  const cells = rows.map((r) => [
    r.figure,
    r.ours,
    r.yardstick,
    r.ratio,
    r.target,
    r.met === undefined ? '-' : r.met ? 'yes' : '**no**',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  console.log('');
  console.log(pad(header, widths));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(pad(c, widths));
  console.log('');
  console.log(
    JSON.stringify({
      ...figures,
      targetsMet: rows.filter((r) => r.met).length,
      targets: rows.filter((r) => r.met !== undefined).length,
    }),
  );
};
