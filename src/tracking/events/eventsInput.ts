import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CairnError, fromSystemError } from '../../core/errors.js';
import { firstLine, readLines, type LineChunk } from './readLines.js';

/**
 * Where ingestion reads an events stream from: a file (the usual case), or a batch of a client's file that the
 * client sent to the server. Offsets are always bytes of the whole stream.
 */
export interface EventsInput {
  /** The stream's first complete line and the stream's size so far; null while it has no complete line. */
  head(): Promise<{ text: string; size: number } | null>;
  /** Where the stream is (with the first line's hash it makes the ingestion source). */
  identity(): Promise<string>;
  /** Whether byte `offset` starts a line (it does unless the file was rewritten). */
  startsLine(offset: number): Promise<boolean>;
  readLines(from: number): AsyncGenerator<LineChunk>;
  /** The 1-based number of the line starting at `offset`, for error messages. */
  lineNumberAt(offset: number): Promise<number>;
  /** The folder relative artifact paths resolve against; absent when the files are elsewhere (on a client). */
  dir?: string;
}

export function fileEventsInput(file: string): EventsInput {
  return {
    head: () => firstLine(file),
    identity: () => fs.realpath(file).catch((err) => Promise.reject(fromSystemError(err, `could not read events file ${file}`))),
    startsLine: (offset) => startsLine(file, offset),
    readLines: (from) => readLines(file, from),
    lineNumberAt: (offset) => lineNumberAt(file, offset),
    dir: path.dirname(file),
  };
}

export interface EventsBatch {
  /** Where the client's file is (its real path on the client), which names the stream. */
  path: string;
  /** The stream's first line (without its `\n`). */
  head: string;
  /** The byte offset in the client's file at which `text` starts (a line start). */
  offset: number;
  /** Complete lines, each ending with `\n`. */
  text: string;
  /** The number of the first line of `text` in the client's file (default 1), for messages. */
  firstLine?: number;
}

/**
 * A batch a client sent: bytes [offset, offset + length) of its events file. Ingestion resumes at the offset the
 * store recorded for the stream; when that is before the batch (an earlier batch never arrived), it refuses with
 * CONFLICT and `data.offset` so the client sends again from there.
 */
export function batchEventsInput(batch: EventsBatch): EventsInput {
  const bytes = Buffer.from(batch.text, 'utf8');
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 10) {
    throw new CairnError('USAGE', 'an events batch must end with a complete line ("\\n")', { hint: 'send only complete lines; keep the last, incomplete one for the next batch' });
  }
  if (batch.offset === 0 && bytes.length > 0 && !batch.text.startsWith(`${batch.head}\n`)) {
    throw new CairnError('USAGE', 'the first batch of an events file must start with its first line ("head")');
  }
  const end = batch.offset + bytes.length;
  const inBatch = (offset: number) => offset - batch.offset;
  return {
    head: async () => ({ text: batch.head, size: end }),
    identity: async () => batch.path,
    async startsLine(offset) {
      if (offset < batch.offset) {
        throw new CairnError('CONFLICT', `the server has the events of ${batch.path} up to byte ${offset}, but this batch starts at byte ${batch.offset}`, {
          hint: 'send the events again from that offset',
          data: { reason: 'events-offset-behind', offset },
        });
      }
      return offset === batch.offset || offset === end || bytes[inBatch(offset) - 1] === 10;
    },
    async *readLines(from) {
      const lines: LineChunk['lines'] = [];
      let lineStart = inBatch(from);
      for (let nl = bytes.indexOf(10, lineStart); nl !== -1; nl = bytes.indexOf(10, lineStart)) {
        lines.push({ text: bytes.toString('utf8', lineStart, nl), start: batch.offset + lineStart, end: batch.offset + nl + 1 });
        lineStart = nl + 1;
      }
      yield { lines, end, pendingBytes: 0 };
    },
    async lineNumberAt(offset) {
      let n = batch.firstLine ?? 1;
      for (let i = bytes.indexOf(10); i !== -1 && i < inBatch(offset); i = bytes.indexOf(10, i + 1)) n++;
      return n;
    },
  };
}

/** Whether byte `offset` starts a line: an offset recorded for this file always does, unless the file was rewritten. */
async function startsLine(file: string, offset: number): Promise<boolean> {
  if (offset === 0) return true;
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(1);
    await handle.read(buf, 0, 1, offset - 1);
    return buf[0] === 10;
  } finally {
    await handle.close();
  }
}

/** The 1-based number of the line starting at byte `offset` (counted only when an error needs it). */
async function lineNumberAt(file: string, offset: number): Promise<number> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(offset);
    await handle.read(buf, 0, offset, 0);
    let n = 1;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
    return n;
  } finally {
    await handle.close();
  }
}
