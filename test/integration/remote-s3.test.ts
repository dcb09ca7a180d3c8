import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { makeContext } from '../../src/core/context.js';
import { openS3Remote } from '../../src/remote/s3Remote.js';
import { runRemoteContract } from '../contract/remoteContract.js';
import { S3RVER_KEY, startS3rver, type S3rverHandle } from '../helpers/s3rver.js';
import { PutObjectCommand } from '@aws-sdk/client-s3';

let server: S3rverHandle;
before(async () => {
  server = await startS3rver();
});
after(async () => {
  await server.stop();
});

runRemoteContract('s3 (s3rver)', async ({ readOnly }) => {
  // A fresh prefix per case: an empty remote without a new bucket.
  const prefix = `p-${randomBytes(6).toString('hex')}`;
  const url = `s3://${server.bucket}/${prefix}`;
  const remote = await openS3Remote('test', url, {
    endpoint_url: server.endpoint, access_key_id: S3RVER_KEY, secret_access_key: S3RVER_KEY, ...(readOnly ? { read_only: true } : {}),
  }, makeContext({ cwd: process.cwd() }));
  return {
    remote,
    cleanup: async () => {},
    seed: async (oid, data) => {
      const c = server.client();
      await c.send(new PutObjectCommand({ Bucket: server.bucket, Key: `${prefix}/objects/${oid.slice(0, 2)}/${oid.slice(2)}`, Body: data }));
      c.destroy();
    },
    seedPack: async (file, data) => {
      const c = server.client();
      await c.send(new PutObjectCommand({ Bucket: server.bucket, Key: `${prefix}/packs/${file}`, Body: data }));
      c.destroy();
    },
  };
}, {
  // s3rver's filesystem store pipes a PUT (and a completed multipart upload) straight into the object's final file,
  // so its HEAD can answer for a half-written object. Real S3 makes an object visible only once the PUT or
  // CompleteMultipartUpload succeeds; cairn relies on that, and the local, SFTP and WebDAV cases check the property.
  serverWritesInPlace: 's3rver writes objects in place (lib/stores/filesystem.js putObject)',
});
