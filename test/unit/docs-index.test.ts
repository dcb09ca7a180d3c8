import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ERROR_CODES } from '../../src/core/errors.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { PROJECT_ROOT } from '../helpers/cli.js';

const DOCS = path.join(PROJECT_ROOT, 'docs');
const read = (file: string) => readFileSync(file, 'utf8');

/** Relative Markdown link targets of a page (no URLs, no pure #anchors), without their #fragment. */
function localLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((href) => !/^[a-z]+:/i.test(href) && !href.startsWith('#'))
    .map((href) => href.split('#')[0]);
}

describe('the documentation', () => {
  it('indexes every page and every command page in docs/README.md', () => {
    const index = read(path.join(DOCS, 'README.md'));
    const linked = new Set(localLinks(index));
    for (const page of readdirSync(DOCS).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
      assert.ok(linked.has(page), `docs/README.md links ${page}`);
    }
    for (const page of readdirSync(path.join(DOCS, 'commands')).filter((f) => f.endsWith('.md'))) {
      assert.ok(linked.has(`commands/${page}`), `docs/README.md links commands/${page}`);
    }
  });

  it('mentions every registered command in the index', () => {
    const index = read(path.join(DOCS, 'README.md'));
    for (const command of COMMANDS) assert.ok(index.includes(`\`cairn ${command.name}\``), `docs/README.md lists cairn ${command.name}`);
  });

  it('has no broken relative links in the README and the guides', () => {
    const pages = [
      path.join(PROJECT_ROOT, 'README.md'),
      ...['README.md', 'getting-started.md', 'concepts.md', 'formats.md', 'exit-codes.md', 'benchmarks.md'].map((f) => path.join(DOCS, f)),
    ];
    for (const page of pages) {
      for (const target of localLinks(read(page))) {
        assert.ok(existsSync(path.resolve(path.dirname(page), target)), `${path.relative(PROJECT_ROOT, page)} links ${target}, which exists`);
      }
    }
  });

  it('lists every error code with its exit code in docs/exit-codes.md', () => {
    const page = read(path.join(DOCS, 'exit-codes.md'));
    for (const [code, { exit, http }] of Object.entries(ERROR_CODES)) {
      assert.match(page, new RegExp(`\\| ${exit} \\| \`${code}\` \\| ${http} \\|`), `${code} → exit ${exit}, HTTP ${http}`);
    }
  });
});
