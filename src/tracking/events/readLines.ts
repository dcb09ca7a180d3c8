import { promises as fs } from 'node:fs';
import { fromSystemError } from '../../core/errors.js';

export interface LineChunk {
  /** Complete lines (without `\n`), each with its byte range: `start` of the line, `end` just after its `\n`. */
  lines: Array<{ text: string; start: number; end: number }>;
  /** Byte offset just after the last complete line read so far. */
  end: number;
  /** Bytes after `end` that form an incomplete last line (not yet `\n`-terminated): left for a later ingestion. */
  pendingBytes: number;
}

const BLOCK = 4 << 20;

/** Reads complete lines from byte `from` in blocks of 4 MiB; an unterminated last line is never returned. */
export async function* readLines(file: string, from: number): AsyncGenerator<LineChunk> {
  const handle = await fs.open(file, 'r').catch((err) => Promise.reject(fromSystemError(err, `could not read events file ${file}`)));
  try {
    let carry = Buffer.alloc(0);
    let position = from;
    let base = from;
    for (;;) {
      const block = Buffer.allocUnsafe(BLOCK);
      const { bytesRead } = await handle.read(block, 0, BLOCK, position);
      if (bytesRead === 0) {
        if (carry.length > 0) yield { lines: [], end: base, pendingBytes: carry.length };
        return;
      }
      position += bytesRead;
      const data = carry.length ? Buffer.concat([carry, block.subarray(0, bytesRead)]) : block.subarray(0, bytesRead);
      const lines: LineChunk['lines'] = [];
      let lineStart = 0;
      for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, lineStart)) {
        lines.push({ text: data.toString('utf8', lineStart, nl), start: base + lineStart, end: base + nl + 1 });
        lineStart = nl + 1;
      }
      carry = Buffer.from(data.subarray(lineStart));
      base += lineStart;
      yield { lines, end: base, pendingBytes: carry.length };
    }
  } finally {
    await handle.close();
  }
}

/** The file's first complete line and its size, or null while it has none. */
export async function firstLine(file: string): Promise<{ text: string; size: number } | null> {
  const handle = await fs.open(file, 'r').catch((err) => Promise.reject(fromSystemError(err, `could not read events file ${file}`)));
  try {
    const { size } = await handle.stat();
    const chunks: Buffer[] = [];
    for (let position = 0; position < size; ) {
      const buf = Buffer.allocUnsafe(Math.min(64 << 10, size - position));
      const { bytesRead } = await handle.read(buf, 0, buf.length, position);
      if (bytesRead === 0) break;
      const nl = buf.subarray(0, bytesRead).indexOf(10);
      if (nl !== -1) {
        chunks.push(buf.subarray(0, nl));
        return { text: Buffer.concat(chunks).toString('utf8'), size };
      }
      chunks.push(buf.subarray(0, bytesRead));
      position += bytesRead;
    }
    return null;
  } finally {
    await handle.close();
  }
}
