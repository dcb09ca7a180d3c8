import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { elide, fitTable } from '../../src/cli/output/fitTable.js';
import { formatDuration, formatNumber } from '../../src/cli/tracking/formatRuns.js';

describe('tables for 80 columns', () => {
  it('leaves a table that fits alone', () => {
    assert.deepEqual(fitTable(['A', 'B'], [['x', 'yy']]), ['A  B', 'x  yy']);
  });

  it('shortens the widest column that may be shortened until the table fits, never a kept one', () => {
    const long = 'n'.repeat(60);
    const lines = fitTable(['ID', 'NAME', 'VALUE'], [['12345678', long, '0.95']], { width: 40, keep: [0, 2] });
    assert.ok(lines.every((l) => l.length <= 40), lines.join('\n'));
    assert.match(lines[1], /^12345678 {2}n+… {2}0\.95$/);
  });

  it('elides text with an ellipsis', () => {
    assert.equal(elide('abcdef', 4), 'abc…');
    assert.equal(elide('abc', 4), 'abc');
  });

  it('formats metric values and durations for people', () => {
    assert.deepEqual([0.123456789, 3, 1e-7, 2.5e9, NaN, Infinity, -Infinity].map(formatNumber), ['0.12346', '3', '1.000e-7', '2500000000', 'NaN', 'inf', '-inf']);
    assert.deepEqual([250, 5_000, 65_000, 3_700_000].map(formatDuration), ['250ms', '5s', '1m05s', '1h01m']);
  });
});
