import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { chunkRefKey, parseChunkRef } from '../../src/data/chunks/chunkRefs.js';
import { parseManifest, serializeManifest, type Manifest } from '../../src/data/chunks/manifest.js';
import { chunkingApplies } from '../../src/data/chunks/storeChunked.js';
import { isCairnError } from '../../src/core/errors.js';

const oid = (c: string) => c.repeat(64);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const manifest: Manifest = { version: 1, oid: oid('f'), size: 30, chunks: [{ oid: oid('a'), size: 10 }, { oid: oid('b'), size: 20 }] };

function integrity(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => isCairnError(err) && err.code === 'INTEGRITY' && pattern.test(err.message));
}

describe('chunk manifests', () => {
  it('serializes canonically: fixed key order, no whitespace, so one cut has one oid', () => {
    const bytes = serializeManifest(manifest);
    assert.equal(bytes.toString(), `{"chunks":[{"oid":"${oid('a')}","size":10},{"oid":"${oid('b')}","size":20}],"oid":"${oid('f')}","size":30,"type":"cairn-chunked-file","version":1}`);
    assert.deepEqual(parseManifest(bytes, 'm', sha(bytes)), manifest);
    assert.equal(sha(serializeManifest(parseManifest(bytes, 'm'))), sha(bytes));
  });

  it('refuses bytes that do not hash to the manifest oid', () => {
    integrity(() => parseManifest(serializeManifest(manifest), 'm', oid('0')), /do not hash/);
  });

  it('refuses chunks that do not add up to the size, bad entries and foreign JSON', () => {
    integrity(() => parseManifest(serializeManifest({ ...manifest, size: 31 }), 'm'), /add up to 30 bytes, not 31/);
    integrity(() => parseManifest(Buffer.from(JSON.stringify({ ...manifest, type: 'cairn-chunked-file', chunks: [{ oid: 'x', size: 1 }] })), 'm'), /valid oid/);
    integrity(() => parseManifest(Buffer.from('{"version":1}'), 'm'), /not a version 1/);
    integrity(() => parseManifest(Buffer.from('not json'), 'm'), /not JSON/);
  });

  it('names refs by the file oid and reads only a manifest oid out of them', () => {
    assert.equal(chunkRefKey(oid('ab')), `chunked/ab/${oid('ab').slice(2)}`);
    assert.equal(parseChunkRef(`${oid('c')}\n`), oid('c'));
    assert.equal(parseChunkRef(''), null, 'an empty ref is a tombstone');
    assert.equal(parseChunkRef('garbage'), null);
  });

  it('chunks only files above the threshold and above one minimal chunk', () => {
    assert.equal(chunkingApplies(8 << 20, 9 << 20), true);
    assert.equal(chunkingApplies(8 << 20, 8 << 20), false);
    assert.equal(chunkingApplies(0, 1 << 30), false, '0 turns chunking off');
    assert.equal(chunkingApplies(1, 256 << 10), false);
    assert.equal(chunkingApplies(1, (256 << 10) + 1), true);
  });
});
