/** Small helpers shared by the benchmarks: percentiles, tables, results files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function printTable<T extends object>(rows: readonly T[], columns: ReadonlyArray<keyof T & string>): void {
  const cell = (v: unknown): string => {
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
    // Empty for a missing value; JSON for an object, which String() would print as [object Object].
    return v === undefined || v === null ? '' : (JSON.stringify(v) ?? '');
  };
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]): string => vals.map((v, i) => v.padStart(widths[i])).join('  ');
  process.stdout.write(`${line([...columns])}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(`${line(columns.map((c) => cell(r[c])))}\n`);
}

/** Writes `bench/results/<name>.json`: the rows, or an object holding them and what the run was. */
export function writeResults(name: string, data: unknown): string {
  // From the repository root, whether run from source or compiled into dist/.
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
