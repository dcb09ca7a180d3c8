import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authRequired } from '../../src/cli/commands/server/start.js';
import { parseDuration } from '../../src/cli/commands/server/token.js';

test('auth is on when asked, and always off loopback unless --insecure', () => {
  assert.equal(authRequired({ host: '127.0.0.1', auth: false, insecure: false }), false);
  assert.equal(authRequired({ host: 'localhost', auth: true, insecure: false }), true);
  assert.equal(authRequired({ host: '0.0.0.0', auth: false, insecure: false }), true);
  assert.equal(authRequired({ host: '10.1.2.3', auth: false, insecure: true }), false);
  assert.equal(authRequired({ host: '0.0.0.0', auth: true, insecure: true }), true, '--auth wins over --insecure');
  assert.equal(authRequired({ host: '::', auth: false, insecure: false }), true);
});

test('--expires takes a number and a unit', () => {
  assert.equal(parseDuration('30d'), 30 * 86_400_000);
  assert.equal(parseDuration('90m'), 90 * 60_000);
  assert.equal(parseDuration('1y'), 365 * 86_400_000);
  for (const bad of ['30', 'd', '0d', '-1d', '3q']) assert.throws(() => parseDuration(bad), /--expires/);
});
