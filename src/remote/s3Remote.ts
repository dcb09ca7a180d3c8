import { setMaxListeners } from 'node:events';
import { createReadStream, promises as fs } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { RunContext } from '../core/context.js';
import { CairnError, fromSystemError } from '../core/errors.js';
import { isSafeRelPath } from '../data/tree.js';
import type { RemoteOptions } from './openRemote.js';
import { readOnlyError } from './backendInit.js';
import { forEachLimit } from './forEachLimit.js';
import { isPackFileName, packFileRel, packNotFound, rangeHeader } from './packs/packFileName.js';
import { parseContentRange, trimToRange } from './packs/trimToRange.js';
import type { PackReadOptions, Remote, RemoteCallOptions } from './remote.js';
import { displayRemoteUrl } from './remoteConfig.js';
import { resolveS3Settings } from './s3Credentials.js';
import { s3Error } from './s3Error.js';

/** Files up to this size go in one PutObject; larger ones are streamed in parts of this size (multipart upload). */
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/** Below this many oids, HEAD per object; above, list by prefix while that stays cheaper. */
const HEAD_THRESHOLD = 64;
const CONCURRENCY = 16;

const OID_REST = /^[0-9a-f]{62}$/;

/** An S3 (or S3-compatible) bucket and prefix holding `objects/<2>/<62>` and `meta/`. */
export class S3Remote implements Remote {
  readonly displayUrl: string;

  constructor(
    readonly name: string,
    url: string,
    private readonly client: S3Client,
    private readonly bucket: string,
    /** Key prefix ending in "/" (or empty). */
    private readonly prefix: string,
    readonly readOnly: boolean,
    private readonly partSize: number,
  ) {
    this.displayUrl = displayRemoteUrl(url);
  }

  private objectKey(oid: string): string {
    return `${this.prefix}objects/${oid.slice(0, 2)}/${oid.slice(2)}`;
  }

  private metaKey(key: string): string {
    if (!isSafeRelPath(key)) {
      throw new CairnError('INVALID', `bad metadata key "${key}" for remote "${this.name}"`, { hint: 'keys are relative /-separated paths without ".."' });
    }
    return `${this.prefix}meta/${key}`;
  }

  async exists(oids: string[], given: RemoteCallOptions = {}): Promise<Set<string>> {
    // The requests below run CONCURRENCY at a time: they listen on one signal of this call's (one listener on the
    // caller's), not each on the caller's, which warned of a leak past Node's default of 10.
    return withOwnSignal(given.signal, (signal) => this.existsWith([...new Set(oids)].sort(), { ...given, signal }));
  }

  private async existsWith(wanted: string[], options: RemoteCallOptions): Promise<Set<string>> {
    const present = new Set<string>();
    if (wanted.length <= HEAD_THRESHOLD) {
      await forEachLimit(wanted, CONCURRENCY, async (oid) => {
        if (await this.head(oid, options)) present.add(oid);
      });
      return present;
    }
    const groups = new Map<string, string[]>();
    for (const oid of wanted) {
      const list = groups.get(oid.slice(0, 2)) ?? [];
      list.push(oid);
      groups.set(oid.slice(0, 2), list);
    }
    // Per prefix: list pages (1,000 keys each) while that costs fewer requests than one HEAD per wanted object;
    // the sorted listing settles every oid up to the last key seen, and the rest fall back to HEAD.
    await forEachLimit([...groups.entries()], CONCURRENCY, async ([p, group]) => {
      const set = new Set(group);
      let token: string | undefined;
      let pages = 0;
      let lastRest = '';
      for (;;) {
        const page = await this.send(new ListObjectsV2Command({
          Bucket: this.bucket, Prefix: `${this.prefix}objects/${p}/`, ContinuationToken: token,
        }), 'could not list objects on', options);
        pages++;
        for (const item of page.Contents ?? []) {
          const rest = item.Key!.slice(this.prefix.length + 11);
          if (set.has(p + rest)) present.add(p + rest);
          lastRest = rest;
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
        if (!token) return;
        const unsettled = group.filter((oid) => oid.slice(2) > lastRest);
        if (pages >= unsettled.length) {
          await forEachLimit(unsettled, CONCURRENCY, async (oid) => {
            if (await this.head(oid, options)) present.add(oid);
          });
          return;
        }
      }
    });
    return present;
  }

  private async head(oid: string, options: RemoteCallOptions): Promise<boolean> {
    try {
      await withOwnSignal(options.signal, (abortSignal) => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(oid) }), { abortSignal }));
      return true;
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return false;
      if (e.$metadata?.httpStatusCode === 403) {
        // HEAD answers carry no body, so a 403 cannot tell bad credentials from a denied read: a listing can.
        await this.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, MaxKeys: 1 }), `could not check object ${oid} on`, options);
      }
      throw this.fail(err, `could not check object ${oid} on`);
    }
  }

  async *list(options: RemoteCallOptions = {}): AsyncIterable<string> {
    let token: string | undefined;
    const base = `${this.prefix}objects/`;
    do {
      const page = await this.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base, ContinuationToken: token }), 'could not list objects on', options);
      for (const item of page.Contents ?? []) {
        const rel = item.Key!.slice(base.length);
        if (rel.length === 65 && rel[2] === '/' && OID_REST.test(rel.slice(3))) yield rel.slice(0, 2) + rel.slice(3);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async upload(oid: string, localPath: string, size: number, options: RemoteCallOptions = {}): Promise<void> {
    await this.uploadKey(this.objectKey(oid), localPath, size, `object ${oid}`, options);
  }

  private async uploadKey(Key: string, localPath: string, size: number, what: string, options: RemoteCallOptions): Promise<void> {
    this.assertWritable();
    if (size < this.partSize) {
      // Small objects: one request with the bytes in memory (bounded by the part size), the fastest path for many files.
      let body: Buffer;
      try {
        body = await fs.readFile(localPath);
      } catch (err) {
        throw fromSystemError(err, `could not read ${localPath} to upload ${what}`);
      }
      await this.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: body, ContentLength: body.length }), `could not upload ${what} to`, options);
      options.onBytes?.(body.length);
      return;
    }
    // Large objects stream in parts; S3 shows the object only when the multipart upload completes, so a cut
    // upload never leaves a partial object under its key (and lib-storage aborts the parts it started).
    const stream = createReadStream(localPath, { highWaterMark: 1 << 20 });
    const opened = new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    try {
      await opened;
    } catch (err) {
      throw fromSystemError(err, `could not read ${localPath} to upload ${what}`);
    }
    // The upload's own controller: every part, and every SDK retry of one, adds a listener to its signal.
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key, Body: stream },
      partSize: this.partSize,
      queueSize: 4,
      leavePartsOnError: false,
      abortController: controller,
    });
    const onAbort = () => void upload.abort().catch(() => {});
    options.signal?.addEventListener('abort', onAbort, { once: true });
    upload.on('httpUploadProgress', (p) => {
      if (p.loaded !== undefined) options.onBytes?.(p.loaded);
    });
    try {
      await upload.done();
    } catch (err) {
      stream.destroy();
      throw this.fail(err, `could not upload ${what} to`);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async download(oid: string, options: RemoteCallOptions = {}): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(oid) }), { abortSignal: options.signal });
      return out.Body as Readable;
    } catch (err) {
      const e = err as { name?: string };
      if (e.name === 'NoSuchKey' || e.name === 'NotFound') {
        throw new CairnError('NOT_FOUND', `object ${oid} is not on remote "${this.name}" (${this.displayUrl})`, {
          hint: 'push it from a repo that has it with `cairn push`', data: { oid },
        });
      }
      throw this.fail(err, `could not download object ${oid} from`);
    }
  }

  async remove(oids: string[], options: RemoteCallOptions = {}): Promise<void> {
    await this.removeKeys(oids.map((oid) => this.objectKey(oid)), options);
  }

  private async removeKeys(keys: string[], options: RemoteCallOptions): Promise<void> {
    this.assertWritable();
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const out = await this.send(new DeleteObjectsCommand({
        Bucket: this.bucket,
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      }), 'could not remove objects from', options);
      const failed = out.Errors?.[0];
      if (failed) {
        throw new CairnError(failed.Code === 'AccessDenied' ? 'PERMISSION' : 'REMOTE',
          `could not remove ${failed.Key} from remote "${this.name}" (${this.displayUrl}): ${failed.Code} ${failed.Message ?? ''}`.trim());
      }
    }
  }

  private packKey(file: string): string {
    return `${this.prefix}${packFileRel(this.name, file)}`;
  }

  async listPacks(options: RemoteCallOptions = {}): Promise<string[]> {
    const base = `${this.prefix}packs/`;
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base, ContinuationToken: token }), 'could not list packs of', options);
      for (const item of page.Contents ?? []) {
        const file = item.Key!.slice(base.length);
        if (isPackFileName(file)) out.push(file);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async uploadPack(file: string, localPath: string, size: number, options: RemoteCallOptions = {}): Promise<void> {
    await this.uploadKey(this.packKey(file), localPath, size, `pack file ${file}`, options);
  }

  async downloadPack(file: string, options: PackReadOptions = {}): Promise<Readable> {
    const Key = this.packKey(file);
    if (options.range?.length === 0) return Readable.from([]);
    try {
      const out = await this.client.send(new GetObjectCommand({
        Bucket: this.bucket, Key, ...(options.range ? { Range: rangeHeader(options.range) } : {}),
      }), { abortSignal: options.signal });
      if (!options.range) return out.Body as Readable;
      const got = parseContentRange(out.ContentRange) ?? { offset: 0, length: Number(out.ContentLength ?? 0) };
      return trimToRange(out.Body as Readable, got, options.range);
    } catch (err) {
      const e = err as { name?: string };
      if (e.name === 'NoSuchKey' || e.name === 'NotFound') throw packNotFound(this.name, this.displayUrl, file);
      throw this.fail(err, `could not download pack file ${file} from`);
    }
  }

  async removePacks(files: string[], options: RemoteCallOptions = {}): Promise<void> {
    await this.removeKeys(files.map((f) => this.packKey(f)), options);
  }

  async putMeta(key: string, data: Buffer, options: RemoteCallOptions = {}): Promise<void> {
    this.assertWritable();
    await this.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.metaKey(key), Body: data }), `could not write ${key} to`, options);
  }

  async getMeta(key: string, options: RemoteCallOptions = {}): Promise<Buffer | null> {
    try {
      const out = await withOwnSignal(options.signal, (abortSignal) => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.metaKey(key) }), { abortSignal }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (err) {
      const e = err as { name?: string };
      if (e.name === 'NoSuchKey' || e.name === 'NotFound') return null;
      throw this.fail(err, `could not read ${key} from`);
    }
  }

  async listMeta(prefix: string, options: RemoteCallOptions = {}): Promise<string[]> {
    const base = `${this.prefix}meta/`;
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base + prefix, ContinuationToken: token }), 'could not list metadata of', options);
      for (const item of page.Contents ?? []) out.push(item.Key!.slice(base.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async send<T>(command: any, doing: string, options: RemoteCallOptions): Promise<T extends never ? never : any> {
    try {
      return await withOwnSignal(options.signal, (abortSignal) => this.client.send(command, { abortSignal }));
    } catch (err) {
      throw this.fail(err, doing);
    }
  }

  private assertWritable(): void {
    if (this.readOnly) throw readOnlyError(this.name, this.displayUrl, 'read_only = true');
  }

  /** An SDK or network error as a CairnError that names this remote (see s3Error). */
  private fail(err: unknown, doing: string): CairnError {
    return s3Error(err, doing, { name: this.name, displayUrl: this.displayUrl, bucket: this.bucket });
  }
}

/** Parses s3://bucket/prefix into its bucket and key prefix (ending in "/" unless empty). Pure. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const u = new URL(url);
  const prefix = decodeURIComponent(u.pathname).replace(/^\/+|\/+$/g, '');
  return { bucket: u.hostname, prefix: prefix ? `${prefix}/` : '' };
}

export async function openS3Remote(name: string, url: string, options: RemoteOptions, ctx: RunContext): Promise<S3Remote> {
  const { bucket, prefix } = parseS3Url(url);
  const settings = await resolveS3Settings(name, options, ctx.env);
  const sockets = 64;
  const client = new S3Client({
    region: settings.region,
    credentials: settings.credentials,
    ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
    // Retries live in the transfer layer (one policy for every backend), so the SDK tries once.
    maxAttempts: 1,
    // Checksums only where S3 demands them: S3-compatible servers often reject the newer trailing checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 10_000,
      socketTimeout: 120_000,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: sockets }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: sockets }),
    }),
  });
  const readOnly = options.read_only === true || options.read_only === 'true';
  const partSize = typeof options.part_size === 'number' && options.part_size >= 5 * 1024 * 1024 ? options.part_size : DEFAULT_PART_SIZE;
  return new S3Remote(name, url, client, bucket, prefix, readOnly, partSize);
}

/**
 * Runs one SDK request with a signal of its own, tied to the command's by one listener that goes when the request
 * settles: the SDK leaves listeners on the signal it is given (retries add more), and every request of a push shares
 * the command's signal, which then warned of a leak (MaxListenersExceededWarning) on large pushes.
 */
async function withOwnSignal<T>(parent: AbortSignal | undefined, fn: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  if (!parent) return fn(undefined);
  const own = new AbortController();
  // The SDK adds a listener per attempt of its own retries, and exists() runs its requests on one such signal: it
  // lives for one call, so many listeners are no leak.
  setMaxListeners(0, own.signal);
  const onAbort = () => own.abort(parent.reason);
  if (parent.aborted) own.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  try {
    return await fn(own.signal);
  } finally {
    parent.removeEventListener('abort', onAbort);
  }
}
