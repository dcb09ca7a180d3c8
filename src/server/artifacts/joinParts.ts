import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CairnError } from '../../core/errors.js';
import { HASH_ALGORITHM } from '../../core/hash.js';
import type { Remote } from '../../remote/remote.js';
import type { PartRow } from './artifactIndex.js';
import { assertConfined } from './assertConfined.js';
import type { Spooled } from './spoolUpload.js';

/**
 * Joins the parts of a multipart upload, in the order given, into one temp file of `dir`, hashing the whole on the
 * way and checking each part's bytes against its object id (a part changed on the destination is refused). Streams
 * part by part, so memory stays constant; the temp file is removed on failure, and by the caller otherwise.
 */
export async function joinParts(options: { remote: Remote; parts: PartRow[]; dir: string }): Promise<Spooled> {
  const file = path.join(options.dir, `.cairn-join-${randomBytes(8).toString('hex')}`);
  const whole = createHash(HASH_ALGORITHM);
  let size = 0;
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  try {
    for (const part of options.parts) {
      await assertConfined(options.remote, part.oid);
      const piece = createHash(HASH_ALGORITHM);
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          piece.update(chunk);
          whole.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(await options.remote.download(part.oid), meter, out as Writable, { end: false });
      if (piece.digest('hex') !== part.oid) {
        throw new CairnError('INTEGRITY', `part ${part.part_number} changed on ${options.remote.displayUrl} since it was uploaded`, { hint: 'abort the upload and upload the file again' });
      }
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (err) {
    out.destroy();
    await fs.rm(file, { force: true });
    throw err;
  }
  return { file, oid: whole.digest('hex'), size };
}
