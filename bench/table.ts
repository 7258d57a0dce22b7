// The human-readable part of the benchmark output.
export type Row = [what: string, value: string, note: string];

export function fmt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

export function printTable(rows: Row[]): void {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const line = '-'.repeat(w0 + w1 + 40);
  const out = [line, `${'measure'.padEnd(w0)}  ${'value'.padStart(w1)}  note`, line];
  for (const [a, b, c] of rows) out.push(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
  out.push(line);
  process.stdout.write(out.join('\n') + '\n');
}
