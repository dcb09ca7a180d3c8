import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { cairn, sh, tempDir, testEnv, writeTree } from './cli.js';

/**
 * Another team's cairn repo for get/import/update tests, in `<base>/src` with a directory remote `<base>/storage`
 * (configured as the relative path ../storage). Tag v1 has data/imgs {a.txt: "a1", b.txt: "b"} and model.bin "m1";
 * main (v2) changes data/imgs/a.txt to "a2". README.md is tracked by Git itself.
 */
export interface SourceFixture {
  base: string;
  src: string;
  storage: string;
  home: string;
  env: Record<string, string>;
  cleanup(): void;
}

async function ok(cwd: string, args: string[], env: Record<string, string>): Promise<void> {
  const r = await cairn(cwd, args, env);
  if (r.code !== 0) throw new Error(`cairn ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
}

export async function makeSourceRepo(): Promise<SourceFixture> {
  const tmp = tempDir('cairn-source-');
  const base = tmp.dir;
  const src = path.join(base, 'src');
  const home = path.join(base, 'home');
  mkdirSync(src);
  mkdirSync(home);
  const env = testEnv(home);
  sh(src, 'git init -q -b main . && git commit -q --allow-empty -m init', env);
  await ok(src, ['init'], env);
  writeTree(src, { 'data/imgs/a.txt': 'a1', 'data/imgs/b.txt': 'b', 'model.bin': 'm1', 'README.md': 'hello\n' });
  await ok(src, ['add', 'data/imgs', 'model.bin'], env);
  await ok(src, ['remote', 'add', '-d', 'origin', '../storage'], env);
  await ok(src, ['push'], env);
  sh(src, 'git add -A && git commit -q -m v1 && git tag v1', env);
  writeTree(src, { 'data/imgs/a.txt': 'a2' });
  await ok(src, ['add', 'data/imgs'], env);
  await ok(src, ['push'], env);
  sh(src, 'git add -A && git commit -q -m v2', env);
  return { base, src, storage: path.join(base, 'storage'), home, env, cleanup: tmp.cleanup };
}

/** An empty Git + cairn repo `<base>/<name>` that imports from the source (as `../src`). */
export async function makeImportingRepo(f: SourceFixture, name = 'dst'): Promise<string> {
  const dir = path.join(f.base, name);
  mkdirSync(dir);
  sh(dir, 'git init -q -b main . && git commit -q --allow-empty -m init', f.env);
  await ok(dir, ['init'], f.env);
  return dir;
}

/** A new commit on the source's main branch that changes data/imgs/b.txt to `content` (pushed to its remote). */
export async function changeSource(f: SourceFixture, content: string): Promise<void> {
  writeTree(f.src, { 'data/imgs/b.txt': content });
  await ok(f.src, ['add', 'data/imgs'], f.env);
  await ok(f.src, ['push'], f.env);
  sh(f.src, `git add -A && git commit -q -m "b=${content}"`, f.env);
}
