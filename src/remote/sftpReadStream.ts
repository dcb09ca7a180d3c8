import { Readable } from 'node:stream';
import type { SFTPWrapper } from 'ssh2';

const CHUNK = 256 * 1024;
const IN_FLIGHT = 8;

/**
 * Reads a remote file with several read requests in flight (ssh2's own read stream waits for each reply before
 * asking again, which leaves a loopback link mostly idle). Chunks are pushed in file order.
 */
export class SftpReadStream extends Readable {
  private next = 0;
  private pushed = 0;
  private inFlight = 0;
  private readonly ready = new Map<number, Buffer>();
  private handleClosed = false;

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly handle: Buffer,
    private readonly size: number,
    private readonly onDone: () => void,
    private readonly onBytes?: (bytes: number) => void,
    /** Where to start reading (a ranged read); `size` is then the offset to stop at. */
    start = 0,
  ) {
    super({ highWaterMark: CHUNK * IN_FLIGHT });
    this.next = start;
    this.pushed = start;
    this.first = start;
  }

  private readonly first: number;

  override _read(): void {
    this.fill();
  }

  private fill(): void {
    while (!this.destroyed && this.inFlight < IN_FLIGHT && this.next < this.size) {
      const offset = this.next;
      const length = Math.min(CHUNK, this.size - offset);
      this.next += length;
      this.inFlight++;
      this.readAt(offset, length);
    }
    if (this.size <= this.first || (this.pushed >= this.size && this.inFlight === 0)) this.finish();
  }

  private readAt(offset: number, length: number): void {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    const step = () => {
      this.sftp.read(this.handle, buf, got, length - got, offset + got, (err, bytesRead) => {
        if (this.destroyed) return;
        if (err) return this.destroy(err);
        if (bytesRead === 0) return this.destroy(new Error(`remote file ended early at byte ${offset + got} of ${this.size}`));
        got += bytesRead;
        if (got < length) return step();
        this.inFlight--;
        this.ready.set(offset, buf);
        this.drainReady();
      });
    };
    step();
  }

  private drainReady(): void {
    let more = true;
    while (this.ready.has(this.pushed)) {
      const buf = this.ready.get(this.pushed)!;
      this.ready.delete(this.pushed);
      this.pushed += buf.length;
      this.onBytes?.(this.pushed - this.first);
      more = this.push(buf);
    }
    if (this.pushed >= this.size) this.finish();
    else if (more) this.fill();
  }

  private finish(): void {
    if (this.handleClosed) return;
    this.handleClosed = true;
    this.sftp.close(this.handle, () => {
      this.onDone();
      this.push(null);
    });
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    if (!this.handleClosed) {
      this.handleClosed = true;
      this.sftp.close(this.handle, () => this.onDone());
    }
    cb(err);
  }
}
