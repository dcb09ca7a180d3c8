import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadInstructions } from '../../src/registry/bundle/modelCard.js';
import { BLOCK, tarHeader } from '../../src/registry/bundle/ustar.js';
import { writeTarGz } from '../../src/registry/bundle/writeTarGz.js';
import { tempDir } from '../helpers/cli.js';
import { fails } from '../helpers/cairnError.js';

const field = (h: Buffer, o: number, n: number) => h.subarray(o, o + n).toString('utf8').replace(/\0.*$/s, '');

describe('ustar headers', () => {
  it('have the magic, the octal fields and a checksum tar accepts', () => {
    const h = tarHeader({ path: 'model/w.bin', type: 'file', size: 1234, mode: 0o755, mtime: 1_700_000_000 });
    assert.equal(h.length, BLOCK);
    assert.equal(field(h, 0, 100), 'model/w.bin');
    assert.equal(field(h, 257, 6), 'ustar');
    assert.equal(parseInt(field(h, 124, 12), 8), 1234);
    assert.equal(parseInt(field(h, 100, 8), 8), 0o755);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    assert.equal(parseInt(field(h, 148, 8), 8), sum);
  });

  it('split a long path into prefix and name at a slash, and refuse one that cannot fit', () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(90)}`;
    const h = tarHeader({ path: long, type: 'file', size: 0, mode: 0o644, mtime: 0 });
    assert.equal(field(h, 345, 155), 'd'.repeat(120));
    assert.equal(field(h, 0, 100), 'f'.repeat(90));
    fails(() => tarHeader({ path: 'x'.repeat(120), type: 'file', size: 0, mode: 0o644, mtime: 0 }), /too long for a tar archive/, 'USAGE');
  });
});

describe('writeTarGz', () => {
  it('writes an archive GNU tar lists and extracts byte for byte', async (t) => {
    const tmp = tempDir();
    t.after(() => tmp.cleanup());
    const src = path.join(tmp.dir, 'big.bin');
    const bytes = Buffer.alloc(70_000, 7);
    writeFileSync(src, bytes);
    const file = path.join(tmp.dir, 'a.tar.gz');
    await writeTarGz(file, [{ path: 'card.json', type: 'file', content: Buffer.from('{}\n') }, { path: 'model', type: 'dir' }, { path: 'model/big.bin', type: 'file', source: src }], { mtime: 1_700_000_000 });
    const list = spawnSync('tar', ['tzvf', file], { encoding: 'utf8' });
    if (list.error) return t.skip('tar is not installed');
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /cairn\/cairn\s+70000 2023-11-1\d \d\d:\d\d model\/big\.bin/);
    const out = path.join(tmp.dir, 'x');
    mkdirSync(out);
    assert.equal(spawnSync('tar', ['xzf', file, '-C', out]).status, 0);
    assert.deepEqual(readFileSync(path.join(out, 'model', 'big.bin')), bytes);
  });
});

describe('load instructions in the model card', () => {
  it('follow the file type, and name the folder for a folder model', () => {
    assert.match(loadInstructions('models/m.pkl', 'file'), /pickle\.load\(open\("model\/m\.pkl", "rb"\)\)/);
    assert.match(loadInstructions('m.onnx', 'file'), /onnxruntime\.InferenceSession\("model\/m\.onnx"\)/);
    assert.match(loadInstructions('out/bert', 'dir'), /the folder model\/bert\//);
    assert.equal(loadInstructions('weights.xyz', 'file'), 'read the file model/weights.xyz');
  });
});
