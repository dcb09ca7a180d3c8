import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';

export const CHUNK_LINES = 8192;
export const FLUSH_INTERVAL_MS = 1000;

/**
 * Appends lines to one events file through an in-memory buffer written in chunks: when `chunkLines` lines wait, when
 * a line is logged a second or more after the last write (a tight synchronous loop never lets a timer run), and from
 * an unref'd timer while idle. Writes are synchronous so the 'exit' and signal handlers can flush.
 */
export class EventsWriter {
  readonly path: string;
  /** Whether the file was empty when opened: its first run line is then the file's default run. */
  readonly wasEmpty: boolean;
  closed = false;
  lastFlush = Date.now();
  private readonly fd: number;
  private lines: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(file: string, readonly chunkLines = CHUNK_LINES, readonly intervalMs = FLUSH_INTERVAL_MS) {
    this.path = file;
    this.fd = openSync(file, 'a', 0o644);
    this.wasEmpty = fstatSync(this.fd).size === 0;
  }

  append(line: string, now: number): void {
    this.lines.push(line);
    if (this.lines.length >= this.chunkLines || now - this.lastFlush >= this.intervalMs) this.flush();
    else if (this.timer === undefined) this.startTimer();
  }

  get pending(): number {
    return this.lines.length;
  }

  flush(): void {
    this.lastFlush = Date.now();
    if (this.lines.length === 0 || this.closed) return;
    const data = Buffer.from(this.lines.join(''), 'utf8');
    this.lines = [];
    for (let off = 0; off < data.length;) off += writeSync(this.fd, data, off, data.length - off);
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.stopTimer();
    this.closed = true;
    closeSync(this.fd);
  }

  stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private startTimer(): void {
    this.timer = setInterval(() => (this.lines.length ? this.flush() : this.stopTimer()), this.intervalMs);
    this.timer.unref(); // never keeps the process alive
  }
}
