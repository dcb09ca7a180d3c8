import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../helpers/cli.js';

/** Which top-level folders of src/ each folder may import from (DESIGN.md's layering). */
const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  git: ['git', 'core'],
  data: ['data', 'core', 'git'],
  remote: ['remote', 'data', 'core', 'git'],
  pipeline: ['pipeline', 'data', 'remote', 'core', 'git'],
  tracking: ['tracking', 'core', 'git'],
  experiments: ['experiments', 'pipeline', 'tracking', 'data', 'remote', 'core', 'git'],
  // The registry searches with the tracking layer's filter grammar and resolves runs:/ sources through its store;
  // the Git-tag registry reads `artifacts:`, metrics and stages of cairn.yaml at a version's commit.
  registry: ['registry', 'tracking', 'pipeline', 'data', 'remote', 'core', 'git'],
  sdk: ['sdk', 'tracking', 'core'],
  server: ['server', 'tracking', 'registry', 'experiments', 'pipeline', 'data', 'remote', 'core', 'git'],
  cli: ['cli', 'server', 'sdk', 'registry', 'experiments', 'tracking', 'pipeline', 'remote', 'data', 'core', 'git'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') || full.endsWith('.tsx') ? [full] : [];
  });
}

export function layerViolations(srcDir: string): string[] {
  const problems: string[] = [];
  for (const file of files(srcDir)) {
    const layer = path.relative(srcDir, file).split(path.sep)[0];
    const allowed = ALLOWED[layer];
    if (!allowed) {
      problems.push(`${path.relative(srcDir, file)}: folder "${layer}" is not a known layer`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\(\s*)['"](\.[^'"]+)['"]/g)) {
      const target = path.relative(srcDir, path.resolve(path.dirname(file), m[1])).split(path.sep)[0];
      if (!allowed.includes(target)) problems.push(`${path.relative(srcDir, file)} imports ${m[1]} (layer "${target}")`);
    }
    if (layer !== 'cli' && /process\.exit\(|process\.stdout\.write|console\.log\(/.test(text)) {
      problems.push(`${path.relative(srcDir, file)}: library code must not print or exit`);
    }
  }
  return problems;
}

/**
 * The browser UI talks only to the server's API: it reaches outside web/ only for the filter grammar and the byte
 * formatter (pure modules, through the `@cairn/filter` and `@cairn/format-bytes` aliases) and for types of
 * src/tracking (erased at build time, so no server code is bundled).
 */
export function webViolations(webSrc: string, srcDir: string): string[] {
  const problems: string[] = [];
  for (const file of files(webSrc)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(.*?)(?:from\s+|import\(\s*)['"](\.[^'"]+)['"]/gm)) {
      const target = path.resolve(path.dirname(file), m[2]);
      if (!path.relative(path.dirname(webSrc), target).startsWith('..')) continue;
      const typeOnly = /^\s*(?:import|export)\s+type\b/.test(m[1]);
      if (!typeOnly || !target.startsWith(path.join(srcDir, 'tracking') + path.sep)) {
        problems.push(`${path.relative(webSrc, file)} imports ${m[2]}: the UI may import only types of src/tracking`);
      }
    }
  }
  return problems;
}

describe('layering', () => {
  it('the web UI imports no server code: only the filter alias and types of src/tracking', () => {
    assert.deepEqual(webViolations(path.join(PROJECT_ROOT, 'web', 'src'), path.join(PROJECT_ROOT, 'src')), []);
  });

  it('no lower layer imports a higher one, and library code never prints or exits', () => {
    assert.deepEqual(layerViolations(path.join(PROJECT_ROOT, 'src')), []);
  });

  it('the web check catches server code and a value import from src/tracking, and lets a type through', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'cairn-web-layers-'));
    try {
      mkdirSync(path.join(root, 'web', 'src'), { recursive: true });
      writeFileSync(path.join(root, 'web', 'src', 'a.ts'), [
        "import { openBackend } from '../../src/server/openBackend';",
        "import { sampleSteps } from '../../src/tracking/sampleSteps';",
        "import type { Run } from '../../src/tracking/entities';",
        "import { own } from './b';",
      ].join('\n'));
      const problems = webViolations(path.join(root, 'web', 'src'), path.join(root, 'src'));
      assert.equal(problems.length, 2, problems.join('\n'));
      assert.ok(problems[0].includes('src/server/openBackend') && problems[1].includes('src/tracking/sampleSteps'), problems.join('\n'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the check itself catches a violation', () => {
    const fixture = path.join(PROJECT_ROOT, 'test', 'fixtures', 'bad-layers');
    const problems = layerViolations(fixture);
    assert.ok(problems.some((p) => p.includes('core/uses-cli.ts imports ../cli/x.js')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('must not print')), problems.join('\n'));
  });
});
