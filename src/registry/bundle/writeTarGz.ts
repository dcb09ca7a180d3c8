import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { tarHeader, tarPadding, TAR_END } from './ustar.js';

/** What goes into an archive: a file from disk, bytes in memory, or a folder entry. */
export type TarInput =
  | { path: string; type: 'file'; source: string; mode?: number }
  | { path: string; type: 'file'; content: Buffer; mode?: number }
  | { path: string; type: 'dir' };

/**
 * Streams `entries` as a gzipped ustar archive into `file` (written beside it, then renamed, so a failure leaves no
 * half archive). Every entry gets `mtime`, so the same inputs give the same bytes.
 */
export async function writeTarGz(file: string, entries: TarInput[], options: { mtime: number }): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  async function* blocks(): AsyncGenerator<Buffer> {
    for (const e of entries) {
      if (e.type === 'dir') {
        yield tarHeader({ path: e.path, type: 'dir', size: 0, mode: 0o755, mtime: options.mtime });
        continue;
      }
      const stat = 'content' in e ? null : await fs.stat(e.source);
      const size = stat ? stat.size : (e as { content: Buffer }).content.length;
      // A file keeps its executable bit; everything else is rw-r--r--.
      const mode = e.mode ?? (stat && stat.mode & 0o111 ? 0o755 : 0o644);
      yield tarHeader({ path: e.path, type: 'file', size, mode, mtime: options.mtime });
      if ('content' in e) yield e.content;
      else for await (const chunk of createReadStream(e.source)) yield chunk as Buffer;
      yield tarPadding(size);
    }
    yield TAR_END;
  }
  try {
    await pipeline(Readable.from(blocks()), createGzip({ level: 6 }), createWriteStream(tmp));
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
