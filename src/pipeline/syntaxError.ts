import { CairnError } from '../core/errors.js';

/** Syntax errors of YAML/JSON/TOML files as a CairnError with the offending line under a caret. Pure. */

/** Up to two lines of `text` ending at `line` (1-based), numbered, with a caret under `col` (1-based). */
export function codeFrame(text: string, line: number, col: number): string {
  const lines = text.split(/\r?\n/);
  // A parser may point one past the last line (an unterminated block at the end of the file).
  const at = Math.min(Math.max(line, 1), lines.length);
  const first = Math.max(1, at - 1);
  const width = String(at).length;
  const rows: string[] = [];
  for (let n = first; n <= at; n++) rows.push(`  ${String(n).padStart(width)} | ${lines[n - 1]}`);
  const caretCol = at === line ? Math.max(col, 1) : (lines[at - 1]?.length ?? 0) + 1;
  rows.push(`  ${' '.repeat(width)} | ${' '.repeat(caretCol - 1)}^`);
  return rows.join('\n');
}

/** The 1-based line and column of a 0-based character offset. */
export function lineColOf(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return { line, col: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

export interface SyntaxErrorOptions {
  file: string;
  format: string;
  text: string;
  /** The parser's reason, without its own position suffix or frame. */
  reason: string;
  line?: number;
  col?: number;
}

/** `params.yaml is not valid YAML (line 4, column 1): <reason>` followed by a code frame when the position is known. */
export function syntaxError(o: SyntaxErrorOptions): CairnError {
  const where = o.line ? ` (line ${o.line}, column ${o.col ?? 1})` : '';
  const frame = o.line ? `\n${codeFrame(o.text, o.line, o.col ?? 1)}` : '';
  return new CairnError('INVALID', `${o.file} is not valid ${o.format}${where}: ${o.reason}${frame}`, {
    hint: `fix the syntax of ${o.file}`,
    data: { file: o.file, ...(o.line ? { line: o.line, column: o.col ?? 1 } : {}) },
  });
}

/** The first line of a parser message without the ` at line L, column C:` that YAML appends before its own frame. */
export function parserReason(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?\s*$/, '').replace(/[.:]\s*$/, '');
}

/** A `yaml` package error (from `parseDocument(...).errors`) as a syntax error with a code frame. */
export function yamlSyntaxError(err: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }, text: string, file: string): CairnError {
  return syntaxError({ file, format: 'YAML', text, reason: parserReason(err.message), ...(err.linePos ? { line: err.linePos[0].line, col: err.linePos[0].col } : {}) });
}
