import type { Readable } from 'node:stream';

/** Options every remote operation accepts. */
export interface RemoteCallOptions {
  signal?: AbortSignal;
  /** Bytes moved so far for this call, for progress bars. */
  onBytes?: (bytes: number) => void;
}

/**
 * An object store elsewhere. Backends implement only these primitives; batching, parallelism, retries and
 * verification live in the transfer layer above, so every backend gets them alike.
 * Object layout on every backend: `<base>/objects/<2 hex>/<62 hex>` (see src/data/objectPath.ts), plus small
 * metadata files under `<base>/meta/` (run cache entries and the like).
 */
export interface Remote {
  readonly name: string;
  /** The URL with any secret redacted, for messages. */
  readonly displayUrl: string;
  readonly readOnly: boolean;
  /** Which of `oids` exist on the remote (backends choose listing by prefix or per-object checks). */
  exists(oids: string[], options?: RemoteCallOptions): Promise<Set<string>>;
  /** Every oid on the remote. */
  list(options?: RemoteCallOptions): AsyncIterable<string>;
  /** Uploads a local file as object `oid`; it must never appear under its final name partially written. */
  upload(oid: string, localPath: string, size: number, options?: RemoteCallOptions): Promise<void>;
  /** The bytes of object `oid`; the caller verifies them against the oid before they enter a cache. */
  download(oid: string, options?: RemoteCallOptions): Promise<Readable>;
  remove(oids: string[], options?: RemoteCallOptions): Promise<void>;
  /** Small metadata files (run cache entries); `key` is a relative `/`-separated path below `meta/`. */
  putMeta(key: string, data: Buffer, options?: RemoteCallOptions): Promise<void>;
  getMeta(key: string, options?: RemoteCallOptions): Promise<Buffer | null>;
  listMeta(prefix: string, options?: RemoteCallOptions): Promise<string[]>;
  close(): Promise<void>;
}
