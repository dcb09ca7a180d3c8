import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// @ts-expect-error plain ES module without types (the bench runs without a build step)
import { row } from '../../bench/harness.mjs';
// @ts-expect-error plain ES module without types
import { formatTable } from '../../bench/table.mjs';

describe('the benchmark table', () => {
  it('judges ratios, speed-ups, absolute times and overheads against their targets', () => {
    assert.equal(row({ section: 'data', name: 'add', cairnSeconds: 1, baseline: 'git', baselineSeconds: 4, target: 0.5 }).pass, true);
    assert.equal(row({ section: 'data', name: 'add', cairnSeconds: 3, baseline: 'git', baselineSeconds: 4, target: 0.5 }).pass, false);
    const speed = row({ section: 'remote', name: 's3', cairnSeconds: 2, baseline: 'loop', baselineSeconds: 7, kind: 'speedup', target: 3 });
    assert.equal(speed.value, 3.5);
    assert.equal(speed.pass, true);
    assert.equal(row({ section: 'pipeline', name: 'noop', cairnSeconds: 1.2, kind: 'absolute', target: 1 }).pass, false);
    const over = row({ section: 'pipeline', name: 'stage', cairnSeconds: 0.012, baseline: 'sh', baselineSeconds: 0.004, kind: 'absolute', overhead: true, target: 0.05, unit: 'ms' });
    assert.ok(Math.abs(over.value - 0.008) < 1e-9);
    assert.equal(over.pass, true);
    assert.equal(row({ section: 'data', name: 'lfs', cairnSeconds: 1, baseline: 'lfs', baselineSeconds: 2 }).pass, null, 'no target: reported only');
  });

  it('prints a Markdown table with units, results and what missed its target', () => {
    const table = formatTable([
      row({ section: 'data', name: '`cairn add`', cairnSeconds: 12.5, baseline: '`git add`', baselineSeconds: 10, target: 0.5 }),
      row({ section: 'pipeline', name: 'overhead', cairnSeconds: 0.0123, kind: 'absolute', target: 0.05, unit: 'ms' }),
      row({ section: 'remote', name: 's3', cairnSeconds: 2, baseline: 'loop', baselineSeconds: 8, kind: 'speedup', target: 3 }),
    ]);
    const lines = table.split('\n');
    assert.equal(lines[0], '| area | measurement | cairn | baseline | baseline time | result | target | met |');
    assert.equal(lines[2], '| data | `cairn add` | 12.50 s | `git add` | 10.00 s | 1.25× | ≤ 0.5× | **no** |');
    assert.equal(lines[3], '| pipeline | overhead | 12 ms | — |  | 12 ms | < 50 ms | yes |');
    assert.equal(lines[4], '| remote | s3 | 2.00 s | loop | 8.00 s | 4.00× faster | ≥ 3× faster | yes |');
  });

  it('says so when nothing could be measured', () => {
    assert.match(formatTable([]), /No measurement ran/);
  });
});
