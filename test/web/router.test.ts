import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeList, encodeList, formatHash, matchRoute, parseHash, pathFor } from '../../web/src/lib/router';

test('parseHash and formatHash round-trip a view state, leaving empty values out', () => {
  const hash = formatHash('/experiments/1', { filter: "metrics.acc > 0.9 and params.opt = 'a&b'", sort: 'metrics.acc:desc', empty: '', none: undefined });
  assert.equal(hash.includes('empty'), false);
  assert.deepEqual(parseHash(hash), { path: '/experiments/1', query: { filter: "metrics.acc > 0.9 and params.opt = 'a&b'", sort: 'metrics.acc:desc' } });
  assert.deepEqual(parseHash(''), { path: '/', query: {} });
  assert.deepEqual(parseHash('#/runs/'), { path: '/runs', query: {} });
});

test('matchRoute takes the first matching pattern and decodes its params', () => {
  const routes = [{ path: '/' }, { path: '/experiments/:id' }, { path: '/runs/:id' }];
  assert.deepEqual(matchRoute(routes, '/experiments/a%20b'), { route: routes[1], params: { id: 'a b' } });
  assert.equal(matchRoute(routes, '/')?.route, routes[0]);
  assert.equal(matchRoute(routes, '/nope/x/y'), null);
  assert.equal(pathFor('/runs/:id', { id: 'a/b' }), '/runs/a%2Fb');
});

test('lists survive keys with commas and percent signs', () => {
  const items = ['params.a,b', 'metrics.50%', 'tags.x'];
  assert.deepEqual(decodeList(encodeList(items)), items);
  assert.deepEqual(decodeList(parseHash(formatHash('/', { cols: encodeList(items) })).query.cols), items);
  assert.deepEqual(decodeList(undefined), []);
});
