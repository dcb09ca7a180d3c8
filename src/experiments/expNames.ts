import { CairnError } from '../core/errors.js';

/** Experiment names: given by the user (checked so they make a valid Git ref) or generated, like DVC's, as adjective-noun. */

const ADJECTIVES = [
  'amber', 'bold', 'brisk', 'calm', 'civic', 'clear', 'coral', 'crisp', 'deft', 'dusky', 'eager', 'early', 'fair',
  'fleet', 'fond', 'fresh', 'gentle', 'glad', 'grand', 'hardy', 'hazel', 'jolly', 'keen', 'kind', 'lively', 'lucid',
  'mellow', 'merry', 'misty', 'noble', 'plain', 'proud', 'quick', 'quiet', 'rapid', 'regal', 'rosy', 'sandy', 'sharp',
  'shy', 'silky', 'sleek', 'snowy', 'solid', 'spry', 'steady', 'sunny', 'swift', 'tidy', 'vivid', 'warm', 'wise',
];
const NOUNS = [
  'alder', 'aspen', 'basin', 'birch', 'bluff', 'brook', 'canyon', 'cedar', 'cliff', 'cove', 'crest', 'delta', 'dune',
  'elm', 'fern', 'fjord', 'glade', 'glen', 'grove', 'heath', 'hill', 'inlet', 'isle', 'lake', 'larch', 'ledge',
  'maple', 'marsh', 'mesa', 'moor', 'oak', 'pass', 'peak', 'pine', 'pond', 'reef', 'ridge', 'river', 'rock', 'sound',
  'spruce', 'stone', 'summit', 'tarn', 'trail', 'tundra', 'vale', 'willow', 'wood', 'yew',
];

/** Git-ref-safe and easy to type: letters, digits, `.`, `_`, `-`; starting with a letter or digit. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Checks a user-given experiment name; a CairnError USAGE says what is wrong. */
export function checkExpName(name: string): string {
  if (!NAME.test(name) || name.includes('..') || name.endsWith('.lock') || name.endsWith('.')) {
    throw new CairnError('USAGE', `"${name}" cannot be an experiment name`, {
      hint: 'use letters, digits, ".", "_" and "-" (start with a letter or digit, at most 100 characters)',
      data: { name },
    });
  }
  return name;
}

/** A fresh adjective-noun name not in `taken`; `random` (0 ≤ r < 1) is injected so tests are deterministic. */
export function generateExpName(taken: ReadonlySet<string>, random: () => number = Math.random): string {
  for (let attempt = 0; attempt < 50; attempt++) {
    const name = `${ADJECTIVES[Math.floor(random() * ADJECTIVES.length)]}-${NOUNS[Math.floor(random() * NOUNS.length)]}`;
    if (!taken.has(name)) return name;
  }
  // Thousands of experiments: fall back to a numbered name, which always terminates.
  const base = `${ADJECTIVES[0]}-${NOUNS[0]}`;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}
