import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleSteps } from '../../src/tracking/sampleSteps.js';

test('a history with no more steps than asked for is kept whole', () => {
  assert.deepEqual(sampleSteps([1, 2, 3], 3), [1, 2, 3]);
  assert.deepEqual(sampleSteps([], 5), []);
});

test('a longer one keeps evenly spaced steps and always the last', () => {
  const steps = Array.from({ length: 10 }, (_, i) => i * 10);
  assert.deepEqual(sampleSteps(steps, 3), [0, 30, 60, 90]);
  assert.deepEqual(sampleSteps(steps, 1), [0, 90]);
});

test('the range bounds are inclusive and a range with no steps gives none', () => {
  const steps = [0, 5, 10, 15, 20];
  assert.deepEqual(sampleSteps(steps, 10, 5, 15), [5, 10, 15]);
  assert.deepEqual(sampleSteps(steps, 10, 21, 30), []);
  assert.deepEqual(sampleSteps(steps, 2, 5, 20), [5, 15, 20]);
});
