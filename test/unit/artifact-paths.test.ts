import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { byteSize } from '../../src/cli/byteSize.js';
import { folderEnd } from '../../src/server/artifacts/artifactIndex.js';
import { artifactPathFromUrl, checkArtifactPath } from '../../src/server/artifacts/artifactPath.js';
import { contentTypeOf } from '../../src/server/artifacts/contentType.js';
import { proxiedRoot, runPlaces } from '../../src/server/artifacts/runArtifactPath.js';

const RUN = 'ab'.repeat(16);

describe('artifact paths', () => {
  it('decodes each segment of a URL tail, and keeps names with spaces, unicode and dots', () => {
    assert.equal(artifactPathFromUrl('a%20b/r%C3%A9sum%C3%A9.txt'), 'a b/résumé.txt');
    assert.equal(artifactPathFromUrl('v1.2/..hidden/.env'), 'v1.2/..hidden/.env');
    assert.equal(artifactPathFromUrl('dir/', { folder: true }), 'dir');
  });

  it('refuses every way out of the root, with the reason', () => {
    const cases: Array<[string, RegExp]> = [
      ['..', /"\.\." segment/], ['a/..', /"\.\." segment/], ['%2E%2e', /"\.\." segment/], ['a%2f..', /encoded "\/"/],
      ['%5c..', /backslash/], ['/x', /absolute/], ['D:/x', /absolute/], ['a//b', /empty segment/], ['a/', /empty segment/],
      ['%00', /NUL/], ['%e0%a4%a', /percent-encoding/], ['', /empty/], ['x'.repeat(5000), /longer than/],
    ];
    for (const [tail, why] of cases) {
      assert.throws(() => artifactPathFromUrl(tail), (err: Error & { code?: string }) => err.code === 'USAGE' && why.test(err.message), tail);
    }
    assert.equal(checkArtifactPath('', { root: true }), '');
  });

  it('finds the run places of a path, nearest the root first, and the proxied root of an artifact URI', () => {
    assert.deepEqual(runPlaces(`0/${RUN}/artifacts/model/MLmodel`), [{ runId: RUN, root: `0/${RUN}/artifacts`, rel: 'model/MLmodel' }]);
    assert.deepEqual(runPlaces(`0/${RUN}/artifacts`), [{ runId: RUN, root: `0/${RUN}/artifacts`, rel: '' }]);
    assert.deepEqual(runPlaces(`deep/loc/${RUN}/artifacts/x`).map((p) => p.root), [`deep/loc/${RUN}/artifacts`]);
    assert.deepEqual(runPlaces('0/not-a-run/artifacts/x'), []);
    assert.equal(proxiedRoot(`mlflow-artifacts:/0/${RUN}/artifacts`), `0/${RUN}/artifacts`);
    assert.equal(proxiedRoot(`mlflow-artifacts://host:5000/0/${RUN}/artifacts/`), `0/${RUN}/artifacts`);
    assert.equal(proxiedRoot(`s3://bucket/0/${RUN}/artifacts`), null);
  });

  it('bounds a folder\'s key range by byte order: dir/ <= path < dir0', () => {
    const end = folderEnd('dir/');
    assert.equal(end, 'dir0');
    const inside = ['dir/a', 'dir/~', 'dir/zz/y'];
    const outside = ['dir', 'dir-x', 'dir.txt', 'dir0', 'dirA'];
    for (const p of inside) assert.ok(p >= 'dir/' && p < end, p);
    for (const p of outside) assert.ok(!(p >= 'dir/' && p < end), p);
  });
});

describe('artifact content types and sizes', () => {
  it('types by extension, text with a charset, unknown as bytes', () => {
    assert.equal(contentTypeOf('a/b/metrics.JSON'), 'application/json; charset=utf-8');
    assert.equal(contentTypeOf('plot.png'), 'image/png');
    assert.equal(contentTypeOf('model/MLmodel'), 'text/plain; charset=utf-8');
    assert.equal(contentTypeOf('weights'), 'application/octet-stream');
    assert.equal(contentTypeOf('.bashrc'), 'application/octet-stream');
  });

  it('reads sizes with decimal and binary units', () => {
    assert.equal(byteSize('5GiB', '--x'), 5 * 2 ** 30);
    assert.equal(byteSize('500MB', '--x'), 500e6);
    assert.equal(byteSize('1.5k', '--x'), 1500);
    assert.equal(byteSize('42', '--x'), 42);
    assert.equal(byteSize(undefined, '--x'), undefined);
    for (const bad of ['0', '-1', 'lots', '5 parsecs', '']) assert.throws(() => byteSize(bad, '--x'), /--x must be a size/, bad);
  });
});
