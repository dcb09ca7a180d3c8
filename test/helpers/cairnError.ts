import assert from 'node:assert/strict';
import { CairnError } from '../../src/core/errors.js';

/** Asserts that `fn` throws a CairnError with `code` whose message or hint matches `pattern`, and returns it. */
export function fails(fn: () => unknown, pattern: RegExp, code = 'INVALID'): CairnError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CairnError, String(err));
    assert.equal(err.code, code, err.message);
    assert.match(`${err.message}\n${err.hint ?? ''}`, pattern);
    return err;
  }
  assert.fail('expected an error');
}
