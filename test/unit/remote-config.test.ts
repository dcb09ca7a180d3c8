import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import {
  localRemotePath, redactOptions, remoteScheme, splitPassword, validateRemoteOption, validateRemoteUrl,
} from '../../src/remote/remoteConfig.js';
import { isTransientError, withRetry } from '../../src/remote/retry.js';
import { parseIni } from '../../src/remote/s3Credentials.js';
import { parseS3Url } from '../../src/remote/s3Remote.js';
import { summaryLine } from '../../src/remote/transfer.js';

const usage = (fn: () => void, pattern: RegExp) => assert.throws(fn, (e: unknown) => e instanceof CairnError && e.code === 'USAGE' && pattern.test(e.message + ' ' + e.hint));

describe('remote URLs and options', () => {
  it('tells the scheme of paths and URLs', () => {
    assert.equal(remoteScheme('/srv/x'), 'file');
    assert.equal(remoteScheme('../x'), 'file');
    assert.equal(remoteScheme('file:///srv/x'), 'file');
    assert.equal(remoteScheme('S3://b/p'), 's3');
    assert.equal(remoteScheme('ssh://u@h:22/p'), 'ssh');
  });

  it('rejects unknown schemes, bad buckets and hostless URLs with a hint', () => {
    usage(() => validateRemoteUrl('s4://bucket/x'), /did you mean "s3:\/\/"/);
    usage(() => validateRemoteUrl('s3://UPPER/x'), /not a valid S3 bucket name/);
    usage(() => validateRemoteUrl('file://relative/x'), /absolute path/);
    usage(() => validateRemoteUrl(''), /empty/);
    validateRemoteUrl('s3://my-bucket');
    validateRemoteUrl('webdavs://host/dav');
  });

  it('checks option names per scheme with suggestions', () => {
    validateRemoteOption('s3://b/p', 'endpoint_url');
    validateRemoteOption('/srv/x', 'read_only');
    usage(() => validateRemoteOption('s3://b/p', 'regoin'), /did you mean "region"/);
    usage(() => validateRemoteOption('/srv/x', 'region'), /unknown option "region" for a local directory remote/);
  });

  it('moves passwords out of URLs and redacts secrets', () => {
    assert.deepEqual(splitPassword('webdavs://alice:p%40ss@host/x'), { url: 'webdavs://alice@host/x', password: 'p@ss' });
    assert.deepEqual(splitPassword('ssh://alice@host/x'), { url: 'ssh://alice@host/x' });
    assert.deepEqual(redactOptions({ region: 'eu', secret_access_key: 'k', password: 'p' }), { region: 'eu', secret_access_key: '***', password: '***' });
  });

  it('resolves local remote paths against the repo root', () => {
    assert.equal(localRemotePath('../store', '/work/repo'), '/work/store');
    assert.equal(localRemotePath('file:///srv/my%20store', '/work/repo'), '/srv/my store');
  });

  it('parses S3 URLs and AWS ini files', () => {
    assert.deepEqual(parseS3Url('s3://bucket/a/b/'), { bucket: 'bucket', prefix: 'a/b/' });
    assert.deepEqual(parseS3Url('s3://bucket'), { bucket: 'bucket', prefix: '' });
    const ini = parseIni('[default]\naws_access_key_id = A\n# c\n[profile dev]\nregion=eu-west-1\n');
    assert.equal(ini.default.aws_access_key_id, 'A');
    assert.equal(ini['profile dev'].region, 'eu-west-1');
  });
});

describe('retries and summaries', () => {
  it('retries transient failures only', async () => {
    let calls = 0;
    const value = await withRetry(async () => {
      if (++calls < 3) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
      return 'ok';
    }, { baseMs: 1 });
    assert.equal(value, 'ok');
    assert.equal(calls, 3);
    calls = 0;
    await assert.rejects(withRetry(async () => {
      calls++;
      throw new CairnError('AUTH', 'bad key');
    }, { baseMs: 1 }));
    assert.equal(calls, 1);
    assert.ok(isTransientError(new CairnError('REMOTE', 'x', { data: { transient: true } })));
    assert.ok(!isTransientError(new CairnError('REMOTE', 'x')));
  });

  it('prints the summary line people expect', () => {
    assert.equal(summaryLine('pushed', { transferred: 3, bytes: 12 * 1024 * 1024, present: 1204, failed: [] }, 'on remote'),
      '3 files pushed (12.0 MiB), 1,204 already on remote');
  });
});
