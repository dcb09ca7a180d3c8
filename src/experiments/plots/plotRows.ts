/** The data of a plot file: records of field → value, numbers typed as numbers. */

export type PlotValue = number | string | boolean | null;
export type PlotRow = Record<string, PlotValue>;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A cell from a text format as a typed value: `0.5` → 0.5, `` → null, anything else as written. Pure. */
export function typedValue(text: string): PlotValue {
  const t = text.trim();
  if (t === '') return null;
  return NUMBER.test(t) ? Number(t) : text;
}

/** A value as a number when it is one (or numeric text), else null. Pure. */
export function numericValue(v: PlotValue | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && NUMBER.test(v.trim())) return Number(v);
  return null;
}

/** The field names in the order the rows first use them. Pure. */
export function rowFields(rows: PlotRow[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row)) seen.add(k);
  return [...seen];
}
