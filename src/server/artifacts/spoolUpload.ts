import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CairnError } from '../../core/errors.js';
import { formatBytes } from '../../core/formatBytes.js';
import { HASH_ALGORITHM } from '../../core/hash.js';

export interface Spooled {
  /** The temp file holding the bytes; the caller removes it. */
  file: string;
  oid: string;
  size: number;
}

/** The error for a body over the limit: HTTP 413 on the MLflow API. */
export function tooLarge(limit: number): CairnError {
  return new CairnError('USAGE', `the upload is larger than this server accepts (${formatBytes(limit)})`, {
    hint: 'raise the limit with `cairn server --artifacts-max-upload SIZE`, or log smaller files',
    data: { mlflow_code: 'REQUEST_LIMIT_EXCEEDED', limit },
  });
}

/**
 * Streams a request body into a temp file of `dir` while hashing it, in constant memory. Refuses it once it passes
 * `limit` bytes, and when it ends before `declaredLength` (the client went away); in every failure the temp file is
 * removed, so a cut-off upload leaves nothing behind.
 */
export async function spoolUpload(body: Readable, options: { dir: string; limit: number; declaredLength?: number }): Promise<Spooled> {
  // Refused unread: the route closes the connection after the answer rather than read gigabytes for nothing.
  if (options.declaredLength !== undefined && options.declaredLength > options.limit) throw tooLarge(options.limit);
  const file = path.join(options.dir, `.cairn-upload-${randomBytes(8).toString('hex')}`);
  const hash = createHash(HASH_ALGORITHM);
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > options.limit) return done(tooLarge(options.limit));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, meter, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    if (options.declaredLength !== undefined && size !== options.declaredLength) throw cutOff(size, options.declaredLength);
  } catch (err) {
    await fs.rm(file, { force: true });
    if (err instanceof CairnError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || /aborted/i.test(String((err as Error)?.message))) throw cutOff(size, options.declaredLength);
    throw err;
  }
  return { file, oid: hash.digest('hex'), size };
}

function cutOff(got: number, declared: number | undefined): CairnError {
  return new CairnError('USAGE', `the upload ended after ${got} bytes${declared === undefined ? '' : ` of ${declared}`}: the client went away; nothing was stored`, {
    hint: 'upload the file again',
    data: { mlflow_code: 'BAD_REQUEST' },
  });
}
