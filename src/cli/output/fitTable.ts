/**
 * A plain-text table that fits `width` columns: while it is too wide, the widest elidable column loses characters
 * (its cells end in "…"). Columns listed in `keep` are never shortened (ids, numbers people compare).
 */
export function fitTable(header: string[], rows: string[][], options: { width?: number; keep?: number[] } = {}): string[] {
  const width = options.width ?? 80;
  const keep = new Set(options.keep ?? []);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const floor = header.map((h) => Math.max(4, Math.min(h.length, 8)));
  while (total() > width) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if (keep.has(i) || widths[i] <= floor[i]) continue;
      if (widest < 0 || widths[i] > widths[widest]) widest = i;
    }
    if (widest < 0) break;
    widths[widest]--;
  }
  const cell = (text: string, i: number) => (text.length > widths[i] ? `${text.slice(0, widths[i] - 1)}…` : text);
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? cell(c, i) : cell(c, i).padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `text` cut to `width` characters with "…" when longer. */
export function elide(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(1, width - 1))}…` : text;
}
