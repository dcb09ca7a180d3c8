import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import { compareSubjects, evaluateFilter, parseFilter, parseOrderBy, type FilterSubject } from '../../src/tracking/filter/index.js';
import { PROJECT_ROOT } from '../helpers/cli.js';

function badFilter(text: string, column: number, pattern: RegExp, target: 'runs' | 'experiments' = 'runs'): void {
  assert.throws(
    () => parseFilter(text, target),
    (err: unknown) => {
      assert.ok(err instanceof CairnError, String(err));
      assert.equal(err.code, 'USAGE');
      assert.equal(err.data?.column, column, err.message);
      assert.match(err.message, pattern);
      // The caret frame: the filter, then a caret under the column.
      const lines = err.message.split('\n');
      assert.equal(lines[1], `  ${text}`);
      assert.equal(lines[2], `  ${' '.repeat(column - 1)}^`);
      return true;
    },
  );
}

const run: FilterSubject = {
  metrics: { acc: 0.93, loss: 0.2, 'f1 score': 0.8, bad: NaN },
  params: { opt: 'adam', lr: '0.01' },
  tags: { team: 'alpha', 'mlflow.user': 'ann' },
  attributes: { status: 'FINISHED', run_name: 'brave-owl', start_time: 1000, end_time: null, run_id: 'a'.repeat(32) },
  datasets: [{ name: 'train', digest: 'abc', context: 'training' }],
};
const matches = (text: string, subject = run) => evaluateFilter(parseFilter(text), subject);

describe('filter grammar: parsing', () => {
  it("parses MLflow's syntax into comparisons joined by and", () => {
    assert.deepEqual(parseFilter("metrics.acc > 0.9 and params.opt = 'adam'"), {
      type: 'and',
      items: [
        { type: 'compare', entity: 'metric', key: 'acc', op: '>', value: 0.9, column: 1 },
        { type: 'compare', entity: 'param', key: 'opt', op: '=', value: 'adam', column: 23 },
      ],
    });
  });

  it('binds and tighter than or, and parentheses override it', () => {
    const flat = parseFilter('metrics.a = 1 or metrics.b = 2 and metrics.c = 3');
    assert.equal(flat?.type, 'or');
    assert.equal((flat as { items: unknown[] }).items.length, 2);
    const grouped = parseFilter('(metrics.a = 1 OR metrics.b = 2) AND metrics.c = 3');
    assert.equal(grouped?.type, 'and');
  });

  it('reads backticked and double-quoted keys, aliases and keywords in any case', () => {
    assert.deepEqual(parseFilter('metrics.`f1 score` >= 0.5'), { type: 'compare', entity: 'metric', key: 'f1 score', op: '>=', value: 0.5, column: 1 });
    assert.equal((parseFilter('metric."f1 score" < 1') as { key: string }).key, 'f1 score');
    assert.equal((parseFilter("attr.created > 5") as { key: string }).key, 'start_time');
    assert.equal((parseFilter("run_name = 'x'") as { entity: string }).entity, 'attribute');
    assert.equal((parseFilter("tags.team like 'a%'") as { op: string }).op, 'LIKE');
    assert.equal((parseFilter("metrics.train.loss < 1") as { key: string }).key, 'train.loss');
    assert.equal(parseFilter('   '), null);
  });

  it('parses IN, NOT IN, IS NULL, IS NOT NULL, != and <>', () => {
    assert.deepEqual((parseFilter("attributes.status IN ('FINISHED', 'FAILED')") as { value: unknown }).value, ['FINISHED', 'FAILED']);
    assert.equal((parseFilter("params.opt NOT IN ('sgd')") as { op: string }).op, 'NOT IN');
    assert.equal((parseFilter('tags.team IS NULL') as { op: string }).op, 'IS NULL');
    assert.equal((parseFilter('metrics.acc is not null') as { op: string }).op, 'IS NOT NULL');
    assert.equal((parseFilter("params.opt <> 'sgd'") as { op: string }).op, '!=');
    assert.equal((parseFilter('metrics.x > -1.5e3') as { value: number }).value, -1500);
  });

  it('knows the attributes of experiments apart from those of runs', () => {
    assert.equal((parseFilter("name LIKE 'exp%'", 'experiments') as { key: string }).key, 'name');
    badFilter("name = 'x'", 1, /unknown attribute "name"/);
    badFilter('metrics.acc > 1', 1, /experiments are searched by their attributes and tags/, 'experiments');
    badFilter('metrics.acc > 1 and status = 1', 30, /compared with a quoted string \(write '1'\)/);
  });
});

describe('filter grammar: bad input points at the column', () => {
  it('a string where a number belongs, and the other way round', () => {
    badFilter("metrics.acc > '0.9'", 15, /metric "acc" is compared with a number \(write 0.9 without quotes\)/);
    badFilter('params.lr = 0.1', 13, /quoted string \(write '0.1'\)/);
    badFilter("attributes.start_time > 'yesterday'", 25, /compared with a number/);
  });

  it('unknown key types, attributes and operators that do not apply', () => {
    badFilter("metricz.acc > 1", 1, /unknown key type "metricz"/);
    badFilter("attributes.colour = 'red'", 1, /unknown attribute "colour"/);
    badFilter("metrics.acc LIKE '0%'", 13, /"LIKE" does not apply to metric "acc"/);
    badFilter("params.opt > 'a'", 12, /">" does not apply/);
    badFilter("datasets.size = 'x'", 1, /unknown dataset field/);
  });

  it('broken structure: missing value, operator, parenthesis, quote, stray characters', () => {
    badFilter('metrics.acc >', 14, /compared with a number/);
    badFilter('metrics.acc 0.9', 13, /expected a comparison operator/);
    badFilter('(metrics.acc > 1', 17, /expected "\)" to close the "\(" at column 1/);
    badFilter('metrics.acc > 1)', 16, /a "\)" without its "\("/);
    badFilter("params.opt = 'adam", 14, /unterminated string/);
    badFilter('metrics.`f1 > 1', 9, /unterminated backticked name/);
    badFilter('metrics.acc > 1 and', 20, /found the end of the filter/);
    badFilter('metrics.acc > 1 metrics.b > 2', 17, /expected "and", "or"/);
    badFilter('metrics.acc ! 1', 13, /did you mean "!="/);
    badFilter('metrics.acc > 1 ; drop table runs', 17, /unexpected character ";"/);
    badFilter("params.opt IN 'a'", 15, /expected "\(" to start the list/);
    badFilter("params.opt IN ('a' 'b')", 20, /expected "," or "\)"/);
    badFilter('tags.x IS 1', 11, /expected NULL after "IS"/);
    badFilter('metrics. > 1', 1, /needs a key after the dot/);
  });
});

describe('filter grammar: evaluation in memory', () => {
  it('compares numbers, strings, LIKE (case-sensitive) and ILIKE', () => {
    assert.equal(matches("metrics.acc > 0.9 and params.opt = 'adam' and tags.team LIKE 'a%'"), true);
    assert.equal(matches('metrics.acc > 0.95'), false);
    assert.equal(matches("tags.team LIKE 'A%'"), false);
    assert.equal(matches("tags.team ILIKE 'A%'"), true);
    assert.equal(matches("run_name LIKE 'brave_owl'"), true);
    assert.equal(matches('metrics.`f1 score` = 0.8'), true);
    assert.equal(matches('attributes.start_time >= 1000 and attributes.start_time < 1001'), true);
  });

  it('or, parentheses, IN and NOT IN', () => {
    assert.equal(matches("metrics.acc > 0.99 or params.opt = 'adam'"), true);
    assert.equal(matches("(metrics.acc > 0.99 or params.opt = 'adam') and tags.team = 'beta'"), false);
    assert.equal(matches("attributes.status IN ('FAILED', 'FINISHED')"), true);
    assert.equal(matches("attributes.status NOT IN ('FAILED', 'FINISHED')"), false);
  });

  it('a missing key matches only the negative comparisons and IS NULL', () => {
    assert.equal(matches("tags.owner = 'x'"), false);
    assert.equal(matches("tags.owner != 'x'"), true);
    assert.equal(matches("tags.owner NOT IN ('x')"), true);
    assert.equal(matches('tags.owner IS NULL'), true);
    assert.equal(matches('tags.team IS NULL'), false);
    assert.equal(matches('attributes.end_time IS NULL'), true);
    assert.equal(matches('metrics.missing < 1'), false);
  });

  it('NaN neither equals nor orders with anything', () => {
    assert.equal(matches('metrics.bad > 0'), false);
    assert.equal(matches('metrics.bad <= 0'), false);
    assert.equal(matches('metrics.bad != 0'), true);
    assert.equal(matches('metrics.bad IS NOT NULL'), true);
  });

  it('datasets match when any input matches', () => {
    assert.equal(matches("datasets.name = 'train'"), true);
    assert.equal(matches("datasets.context = 'eval'"), false);
    assert.equal(matches("datasets.name != 'train'"), false);
    assert.equal(matches("datasets.name != 'eval'"), true);
  });
});

describe('order_by', () => {
  it('parses keys, directions and aliases', () => {
    assert.deepEqual(parseOrderBy('metrics.acc DESC'), { entity: 'metric', key: 'acc', ascending: false });
    assert.deepEqual(parseOrderBy('params.`batch size`'), { entity: 'param', key: 'batch size', ascending: true });
    assert.deepEqual(parseOrderBy('created asc'), { entity: 'attribute', key: 'start_time', ascending: true });
    assert.deepEqual(parseOrderBy('name DESC', 'experiments'), { entity: 'attribute', key: 'name', ascending: false });
  });

  it('rejects what cannot be ordered by, with the column', () => {
    for (const [text, column, pattern] of [
      ['metrics.acc UP', 13, /expected ASC, DESC/],
      ['colour', 1, /unknown attribute "colour"/],
      ['metrics.acc', 1, /cannot order experiments by "metrics."/],
      ['> 1', 1, /expected a key/],
    ] as const) {
      assert.throws(() => parseOrderBy(text, text === 'metrics.acc' ? 'experiments' : 'runs'), (err: unknown) => {
        assert.ok(err instanceof CairnError);
        assert.equal(err.data?.column, column, err.message);
        assert.match(err.message, pattern);
        return true;
      });
    }
  });

  it('sorts missing and NaN values last in either direction', () => {
    const subjects: FilterSubject[] = [
      { metrics: { acc: 0.5 }, attributes: { run_id: 'a' } },
      { metrics: {}, attributes: { run_id: 'b' } },
      { metrics: { acc: NaN }, attributes: { run_id: 'c' } },
      { metrics: { acc: 0.9 }, attributes: { run_id: 'd' } },
    ];
    const ids = (asc: boolean) =>
      [...subjects].sort(compareSubjects([{ entity: 'metric', key: 'acc', ascending: asc }, { entity: 'attribute', key: 'run_id', ascending: true }])).map((s) => s.attributes.run_id);
    assert.deepEqual(ids(false), ['d', 'a', 'b', 'c']);
    assert.deepEqual(ids(true), ['a', 'd', 'b', 'c']);
  });
});

describe('filter module purity', () => {
  it('imports nothing from node: (the web UI imports it)', () => {
    const dir = path.join(PROJECT_ROOT, 'src', 'tracking', 'filter');
    for (const file of readdirSync(dir)) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      assert.doesNotMatch(text, /from ['"]node:/, file);
      for (const m of text.matchAll(/from ['"](\.[^'"]+)['"]/g)) assert.ok(m[1].startsWith('./') || m[1] === '../../core/errors.js', `${file} imports ${m[1]}`);
    }
  });
});
