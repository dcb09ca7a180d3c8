/** One word for a POSIX shell, single-quoted, for commands cairn writes into hooks and Git config. Pure. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
