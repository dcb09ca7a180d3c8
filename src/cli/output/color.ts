/** Minimal ANSI styling that switches off with NO_COLOR, a non-TTY stream or --no-color. */
export interface Colors {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

export function makeColors(enabled: boolean): Colors {
  if (!enabled) {
    const id = (s: string) => s;
    return { red: id, green: id, yellow: id, dim: id, bold: id };
  }
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}
