import type { Readable } from 'node:stream';

/** Options every remote operation accepts. */
export interface RemoteCallOptions {
  signal?: AbortSignal;
  /** Bytes moved so far for this call, for progress bars. */
  onBytes?: (bytes: number) => void;
}

/** A byte range of a file: `length` bytes from `offset`. */
export interface ByteRange {
  offset: number;
  length: number;
}

export interface PackReadOptions extends RemoteCallOptions {
  /** Read only these bytes (a ranged read) instead of the whole file. */
  range?: ByteRange;
}

/**
 * An object store elsewhere. Backends implement only these primitives; batching, parallelism, retries and
 * verification live in the transfer layer above, so every backend gets them alike.
 * Object layout on every backend: `<base>/objects/<2 hex>/<62 hex>` (see src/data/objectPath.ts), plus small
 * metadata files under `<base>/meta/` (run cache entries and the like), and in layout 2 pack files under
 * `<base>/packs/` (see src/remote/packs/: openRemote wraps a layout 2 remote so callers see its packed objects).
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
  /**
   * Pack files (layout 2, docs/formats.md "Packs"): names `<64 hex>.pack` and `<64 hex>.idx` below `<base>/packs/`.
   * Every name in `packs/` that is a pack file, unordered.
   */
  listPacks(options?: RemoteCallOptions): Promise<string[]>;
  /** Uploads a pack file; like `upload`, it never appears under its final name partially written. */
  uploadPack(file: string, localPath: string, size: number, options?: RemoteCallOptions): Promise<void>;
  /**
   * A pack file's bytes, or with `range` just those: `Range` on S3, HTTP and WebDAV, a read at an offset on SFTP, a
   * positioned read on a directory. NOT_FOUND when the file is not there.
   */
  downloadPack(file: string, options?: PackReadOptions): Promise<Readable>;
  /** Removes pack files (absent ones are no error). */
  removePacks(files: string[], options?: RemoteCallOptions): Promise<void>;
  close(): Promise<void>;
}
