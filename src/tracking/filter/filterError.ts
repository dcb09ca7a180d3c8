import { CairnError } from '../../core/errors.js';

/** A USAGE error for a filter or order_by that does not parse: the message shows the text with a caret under `column`. */
export function filterError(text: string, column: number, problem: string, what = 'filter'): CairnError {
  const frame = `  ${text}\n  ${' '.repeat(Math.max(0, column - 1))}^`;
  return new CairnError('USAGE', `bad ${what} at column ${column}: ${problem}\n${frame}`, {
    hint: "write comparisons like metrics.acc > 0.9, params.opt = 'adam', tags.team LIKE 'a%', attributes.status IN ('FINISHED'), joined by and/or; quote keys with spaces in backticks",
    data: { column, [what === 'filter' ? 'filter' : 'order_by']: text },
  });
}
