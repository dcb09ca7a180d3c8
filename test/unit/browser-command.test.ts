import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browserCommand } from '../../src/cli/browserCommand.js';

test('a browser is opened on macOS, and on Linux only inside a desktop session, never in CI', () => {
  const url = 'http://127.0.0.1:5000/';
  assert.deepEqual(browserCommand(url, { env: {}, platform: 'darwin' }), ['open', url]);
  assert.deepEqual(browserCommand(url, { env: { DISPLAY: ':0' }, platform: 'linux' }), ['xdg-open', url]);
  assert.deepEqual(browserCommand(url, { env: { WAYLAND_DISPLAY: 'wayland-0' }, platform: 'linux' }), ['xdg-open', url]);
  assert.equal(browserCommand(url, { env: {}, platform: 'linux' }), null, 'over SSH: no display, no browser');
  assert.equal(browserCommand(url, { env: { DISPLAY: ':0', CI: 'true' }, platform: 'linux' }), null);
  assert.equal(browserCommand(url, { env: { CAIRN_NO_BROWSER: '1' }, platform: 'darwin' }), null);
});
