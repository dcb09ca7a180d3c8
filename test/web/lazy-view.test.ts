import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { isLazyView, lazyView } from '../../web/src/lib/lazyView';
import type { ViewProps } from '../../web/src/lib/view';

const props: ViewProps = { params: {}, query: {}, navigate: () => undefined };

test('a lazy view suspends until its code is loaded, then renders at once without suspending again', async () => {
  let loads = 0;
  const View = lazyView(async () => {
    loads++;
    return ({ query }: ViewProps) => createElement('p', null, `loaded ${query.x ?? ''}`);
  });
  assert.ok(isLazyView(View));
  let thrown: unknown;
  try {
    View(props);
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof Promise, 'before loading, it throws the promise Suspense waits for');
  await thrown;
  assert.equal(renderToString(createElement(View, { ...props, query: { x: '1' } })), '<p>loaded 1</p>');
  await View.preload();
  assert.equal(loads, 1, 'the module is loaded once');
});

test('a chunk that failed to load is fetched again on the next try', async () => {
  let attempt = 0;
  const View = lazyView(async () => {
    if (++attempt === 1) throw new Error('chunk missing');
    return () => createElement('p', null, 'second time');
  });
  await assert.rejects(View.preload(), /chunk missing/);
  await View.preload();
  assert.equal(renderToString(createElement(View, props)), '<p>second time</p>');
  assert.equal(isLazyView(() => null), false);
});
