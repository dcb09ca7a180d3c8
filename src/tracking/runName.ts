import { randomInt } from 'node:crypto';

const ADJECTIVES = [
  'amber', 'bold', 'brave', 'bright', 'calm', 'clever', 'crisp', 'dapper', 'eager', 'fancy', 'gentle', 'glad', 'honest',
  'keen', 'lucky', 'merry', 'nimble', 'polite', 'quick', 'quiet', 'rare', 'sharp', 'shy', 'silent', 'smooth', 'steady',
  'sunny', 'swift', 'tidy', 'vivid', 'warm', 'wise',
];
const NOUNS = [
  'ant', 'bass', 'bear', 'crane', 'deer', 'dove', 'eel', 'finch', 'fox', 'frog', 'gull', 'hare', 'hawk', 'heron', 'ibis',
  'lark', 'lynx', 'mole', 'moth', 'newt', 'otter', 'owl', 'panda', 'quail', 'ram', 'robin', 'seal', 'shrew', 'snail',
  'stoat', 'swan', 'toad', 'trout', 'vole', 'wasp', 'wren', 'yak',
];

/** A readable run name such as `brave-owl-417`, as MLflow gives runs created without one. */
export function generateRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
}
