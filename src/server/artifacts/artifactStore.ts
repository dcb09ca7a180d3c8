import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { CairnError } from '../../core/errors.js';
import type { SqlClient } from '../../core/sql/sqlClient.js';
import type { Remote } from '../../remote/remote.js';
import type { Run } from '../../tracking/entities.js';
import type { TrackingStore } from '../../tracking/trackingStore.js';
import {
  ARTIFACT_LINEAGE, ARTIFACT_MIGRATIONS, deleteIndexed, dropUpload, folderEnd, getIndexed, getUpload, indexRange, insertUpload,
  oidInUse, pathInUse, putPartRow, staleUploads, uploadParts, upsertIndexed, type IndexedFile, type PartRow, type UploadRow,
} from './artifactIndex.js';
import { checkArtifactPath } from './artifactPath.js';
import { assertConfined } from './assertConfined.js';
import { joinParts } from './joinParts.js';
import { proxiedRoot, runPlaces, type RunPlace } from './runArtifactPath.js';
import { spoolUpload, tooLarge, type Spooled } from './spoolUpload.js';

/** The default largest upload (one PUT, one part, or a whole multipart upload). */
export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 ** 3;
/** S3's bound on the parts of one upload; MLflow's clients stay far below it. */
export const MAX_UPLOAD_PARTS = 10_000;
/** An upload neither completed nor aborted within this time is abandoned, its parts removed (S3 lifecycles do the same). */
export const UPLOAD_TTL_MS = 7 * 24 * 3600 * 1000;
/** Rows read per query while listing a folder. */
const LIST_PAGE = 500;

/** One entry of a folder listing, as MLflow's `FileInfo` (`path` is the entry's name within the folder). */
export interface ArtifactFileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

export interface ArtifactStoreOptions {
  /** Where the bytes go: objects `objects/<2>/<62>` of any cairn remote (a folder, S3, SFTP, WebDAV...). */
  remote: Remote;
  /** The server's database, for the path index and multipart uploads. */
  sql: SqlClient;
  /** The runs, so a file under `<experiment>/<run_id>/artifacts/` is recorded on its run. */
  tracking: TrackingStore;
  /** A local folder for upload bodies in flight (they are hashed before they are stored). */
  spoolDir: string;
  maxUploadBytes?: number;
  now?: () => number;
}

/**
 * MLflow's proxied artifact store over a cairn remote, content-addressed: a file's bytes are stored once as the object
 * named by their SHA-256 (so the same content under two paths is one object), and the server's database maps each
 * path to its object. Nothing is kept in the process, so several servers on one database and one remote agree.
 * A path below `<root>/<run_id>/artifacts/` of a run whose artifact URI is that proxied root is also recorded on the
 * run, and such a run's own artifacts (logged locally into a repository's cache) are served as files of the path.
 */
export class ArtifactStore {
  readonly maxUploadBytes: number;
  private readonly now: () => number;

  private constructor(private readonly options: ArtifactStoreOptions) {
    this.maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
    this.now = options.now ?? Date.now;
  }

  /** Opens the store, creating its tables on first use. */
  static async open(options: ArtifactStoreOptions): Promise<ArtifactStore> {
    await options.sql.migrate(ARTIFACT_LINEAGE, ARTIFACT_MIGRATIONS);
    await fs.mkdir(options.spoolDir, { recursive: true });
    return new ArtifactStore(options);
  }

  get displayUrl(): string {
    return this.options.remote.displayUrl;
  }

  /** Stores a file's bytes under `p`, streamed from `body`; nothing is recorded unless every byte arrived. */
  async put(p: string, body: Readable, options: { declaredLength?: number } = {}): Promise<IndexedFile> {
    checkArtifactPath(p);
    await this.assertPlaceable(this.options.sql, p);
    const spooled = await spoolUpload(body, { dir: this.options.spoolDir, limit: this.maxUploadBytes, declaredLength: options.declaredLength });
    try {
      return await this.record(p, spooled);
    } finally {
      await fs.rm(spooled.file, { force: true });
    }
  }

  /** The bytes of the file at `p`, with its size. */
  async open(p: string): Promise<{ file: IndexedFile; stream: Readable }> {
    checkArtifactPath(p);
    const file = (await getIndexed(this.options.sql, p)) ?? (await this.runFile(p));
    if (!file) {
      throw new CairnError('NOT_FOUND', `no artifact at ${JSON.stringify(p)}`, { hint: 'list a folder with GET /api/2.0/mlflow-artifacts/artifacts?path=DIR', data: { path: p } });
    }
    await assertConfined(this.options.remote, file.oid);
    return { file, stream: await this.options.remote.download(file.oid) };
  }

  /** The entries directly in folder `dir` (`''`: the root), sorted by name; a file or a missing folder lists nothing. */
  async list(dir: string): Promise<ArtifactFileInfo[]> {
    checkArtifactPath(dir, { root: true });
    const sql = this.options.sql;
    if (dir !== '' && (await getIndexed(sql, dir))) return [];
    const prefix = dir === '' ? '' : `${dir}/`;
    const entries = new Map<string, ArtifactFileInfo>();
    const add = (rest: string, size: number) => {
      const slash = rest.indexOf('/');
      if (slash < 0) entries.set(rest, { path: rest, is_dir: false, file_size: size });
      else entries.set(rest.slice(0, slash), { path: rest.slice(0, slash), is_dir: true });
      return slash < 0 ? null : rest.slice(0, slash);
    };
    // Walk the folder's key range, and jump over each sub-folder once it is seen: a folder of a million files below
    // a few sub-folders lists in a few queries.
    const end = prefix === '' ? null : folderEnd(prefix);
    let cursor = { from: prefix, after: false };
    for (;;) {
      const rows = await indexRange(sql, { from: cursor.from, to: end, after: cursor.after, limit: LIST_PAGE });
      let jumped = false;
      for (const row of rows) {
        const sub = add(row.path.slice(prefix.length), row.size);
        if (sub === null) {
          cursor = { from: row.path, after: true };
          continue;
        }
        cursor = { from: folderEnd(`${prefix}${sub}/`), after: false };
        jumped = true;
        break;
      }
      if (!jumped && rows.length < LIST_PAGE) break;
    }
    const place = await this.runPlace(dir);
    if (place) {
      for (const artifact of await this.options.tracking.listArtifacts(place.runId, place.rel || undefined)) {
        if (artifact.path === place.rel) return [];
        add(place.rel ? artifact.path.slice(place.rel.length + 1) : artifact.path, artifact.size);
      }
    }
    return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /**
   * Deletes the file at `p`, or the folder `p` with everything below it, from the index and from its run. Deleting
   * what is not there is not an error (MLflow's rule). Objects stay: another path may hold the same bytes, and in a
   * repository's cache `cairn gc` reclaims what nothing references.
   */
  async delete(p: string): Promise<void> {
    checkArtifactPath(p);
    const place = (await this.runPlace(p)) ?? (await this.runPlace(`${p}/artifacts`));
    if (place) {
      const artifacts = await this.options.tracking.listArtifacts(place.runId, place.rel || undefined);
      const paths = place.rel ? [place.rel] : [...new Set(artifacts.map((a) => a.path.split('/')[0]))];
      if (artifacts.length > 0 && place.active) await this.options.tracking.write([{ op: 'deleteArtifacts', run_id: place.runId, paths }]);
    }
    await deleteIndexed(this.options.sql, p);
  }

  /** Starts a multipart upload to `p` of `numParts` parts; the parts go to `putPart` with the upload id returned. */
  async createUpload(p: string, numParts: number): Promise<string> {
    checkArtifactPath(p);
    if (!Number.isSafeInteger(numParts) || numParts < 1 || numParts > MAX_UPLOAD_PARTS) {
      throw new CairnError('USAGE', `num_parts must be a whole number from 1 to ${MAX_UPLOAD_PARTS}, not ${numParts}`, { data: { field: 'num_parts' } });
    }
    await this.assertPlaceable(this.options.sql, p);
    await this.expireUploads();
    // The id is the part URLs' only credential (MLflow's clients send parts without the tracking token, as they would
    // to presigned S3 URLs): 128 random bits, never listed anywhere.
    const uploadId = randomBytes(16).toString('hex');
    await insertUpload(this.options.sql, { upload_id: uploadId, path: p, num_parts: numParts, created_time: this.now() });
    return uploadId;
  }

  /** Stores one part of an upload; returns its ETag (the part's object id, quoted), which `complete` checks. */
  async putPart(p: string, uploadId: string, partNumber: number, body: Readable, options: { declaredLength?: number } = {}): Promise<string> {
    checkArtifactPath(p);
    const upload = await this.upload(uploadId, p);
    if (upload.created_time < this.now() - UPLOAD_TTL_MS) {
      throw new CairnError('NOT_FOUND', `multipart upload ${uploadId} expired (started more than 7 days ago)`, { hint: 'start a new one with mpu/create', data: { upload_id: uploadId } });
    }
    if (!Number.isSafeInteger(partNumber) || partNumber < 1 || partNumber > upload.num_parts) {
      throw new CairnError('USAGE', `part_number must be from 1 to ${upload.num_parts} for this upload, not ${partNumber}`, { data: { field: 'part_number' } });
    }
    const spooled = await spoolUpload(body, { dir: this.options.spoolDir, limit: this.maxUploadBytes, declaredLength: options.declaredLength });
    try {
      const fresh = await this.ensureObject(spooled);
      const old = await putPartRow(this.options.sql, uploadId, { part_number: partNumber, oid: spooled.oid, size: spooled.size, fresh: fresh ? 1 : 0 });
      if (old && old.oid !== spooled.oid) await this.dropPartObjects(uploadId, [old]);
    } finally {
      await fs.rm(spooled.file, { force: true });
    }
    return `"${spooled.oid}"`;
  }

  /**
   * Completes an upload: the listed parts (ascending, each uploaded, ETags matching) are joined in order into the
   * file at `p`; parts not listed are dropped, as S3 drops them.
   */
  async completeUpload(p: string, uploadId: string, parts: Array<{ part_number: number; etag?: string }>): Promise<IndexedFile> {
    checkArtifactPath(p);
    await this.upload(uploadId, p);
    const stored = new Map((await uploadParts(this.options.sql, uploadId)).map((part) => [part.part_number, part]));
    if (parts.length === 0) throw new CairnError('USAGE', 'a multipart upload completes with at least one part', { data: { field: 'parts' } });
    const chosen: PartRow[] = [];
    let previous = 0;
    for (const part of parts) {
      if (!Number.isSafeInteger(part.part_number) || part.part_number <= previous) {
        throw new CairnError('USAGE', `parts must be listed by ascending part_number; ${JSON.stringify(part.part_number)} follows ${previous}`, { data: { field: 'parts' } });
      }
      previous = part.part_number;
      const row = stored.get(part.part_number);
      if (!row) throw new CairnError('USAGE', `part ${part.part_number} of upload ${uploadId} was never uploaded`, { hint: 'upload every part before completing', data: { field: 'parts' } });
      const etag = (part.etag ?? '').replace(/^W\//, '').replace(/"/g, '');
      if (etag !== '' && etag !== row.oid) {
        throw new CairnError('USAGE', `part ${part.part_number}'s ETag ${JSON.stringify(part.etag)} is not the part that was uploaded`, { hint: 'upload the part again and complete with the ETag it answers', data: { field: 'parts' } });
      }
      chosen.push(row);
    }
    const total = chosen.reduce((sum, part) => sum + part.size, 0);
    if (total > this.maxUploadBytes) throw tooLarge(this.maxUploadBytes);
    const joined = await joinParts({ remote: this.options.remote, parts: chosen, dir: this.options.spoolDir });
    let file: IndexedFile;
    try {
      file = await this.record(p, joined);
    } finally {
      await fs.rm(joined.file, { force: true });
    }
    const dropped = await dropUpload(this.options.sql, uploadId);
    if (dropped) await this.dropPartObjects(uploadId, dropped.filter((part) => part.oid !== file.oid));
    return file;
  }

  /** Abandons an upload and removes the parts it stored. */
  async abortUpload(p: string, uploadId: string): Promise<void> {
    checkArtifactPath(p);
    await this.upload(uploadId, p);
    const dropped = await dropUpload(this.options.sql, uploadId);
    if (dropped) await this.dropPartObjects(uploadId, dropped);
  }

  async close(): Promise<void> {
    await this.options.remote.close();
  }

  /** Abandons a few uploads older than UPLOAD_TTL_MS (each new upload sweeps some, so none lingers for ever). */
  private async expireUploads(): Promise<void> {
    for (const upload of await staleUploads(this.options.sql, this.now() - UPLOAD_TTL_MS, 10)) {
      const dropped = await dropUpload(this.options.sql, upload.upload_id);
      if (dropped) await this.dropPartObjects(upload.upload_id, dropped);
    }
  }

  /** Puts the object on the destination when it lacks it, then maps `p` to it and records it on its run. */
  private async record(p: string, spooled: Spooled): Promise<IndexedFile> {
    await this.ensureObject(spooled);
    const file = { path: p, oid: spooled.oid, size: spooled.size };
    await this.options.sql.tx(async (tx) => {
      await this.assertPlaceable(tx, p);
      await upsertIndexed(tx, file, this.now());
    });
    const place = await this.runPlace(p);
    if (place && place.rel !== '' && place.active) {
      await this.options.tracking.write([{ op: 'logArtifacts', run_id: place.runId, artifacts: [{ path: place.rel, oid: file.oid, size: file.size }] }]);
    }
    return file;
  }

  /** Uploads the spooled bytes unless the destination has them; true when this call stored them. */
  private async ensureObject(spooled: Spooled): Promise<boolean> {
    const remote = this.options.remote;
    if ((await remote.exists([spooled.oid])).has(spooled.oid)) return false;
    await assertConfined(this.options.remote, spooled.oid);
    await remote.upload(spooled.oid, spooled.file, spooled.size);
    return true;
  }

  /** A file and a folder cannot share a path: refuses `p` when it is a folder or one of its parents is a file. */
  private async assertPlaceable(sql: SqlClient, p: string): Promise<void> {
    const segments = p.split('/');
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join('/');
      if (await getIndexed(sql, parent)) {
        throw new CairnError('CONFLICT', `cannot store ${JSON.stringify(p)}: ${JSON.stringify(parent)} is a file`, { hint: 'delete that file first, or choose another path', data: { path: p } });
      }
    }
    if ((await pathInUse(sql, p)) === 'folder') {
      throw new CairnError('CONFLICT', `cannot store a file at ${JSON.stringify(p)}: it is a folder`, { hint: 'delete the folder first, or choose another path', data: { path: p } });
    }
  }

  private async upload(uploadId: string, p?: string): Promise<UploadRow> {
    const upload = typeof uploadId === 'string' && /^[0-9a-f]{32}$/.test(uploadId) ? await getUpload(this.options.sql, uploadId) : undefined;
    if (!upload) {
      throw new CairnError('NOT_FOUND', `no multipart upload ${JSON.stringify(uploadId)} is in progress`, { hint: 'it was completed or aborted; start a new one with mpu/create', data: { upload_id: uploadId } });
    }
    if (p !== undefined && upload.path !== p) {
      throw new CairnError('USAGE', `upload ${uploadId} is for ${JSON.stringify(upload.path)}, not ${JSON.stringify(p)}`, { data: { field: 'path' } });
    }
    return upload;
  }

  /** Removes the objects parts put on the destination, unless a file or another upload holds the same bytes. */
  private async dropPartObjects(uploadId: string, parts: PartRow[]): Promise<void> {
    const drop: string[] = [];
    for (const part of parts) {
      if (part.fresh && !(await oidInUse(this.options.sql, part.oid, uploadId))) drop.push(part.oid);
    }
    if (drop.length > 0) await this.options.remote.remove([...new Set(drop)]);
  }

  /** The run whose proxied artifact root holds `p` (`p` may be the root itself), when there is one. */
  private async runPlace(p: string): Promise<(RunPlace & { active: boolean }) | null> {
    for (const place of runPlaces(p)) {
      let run: Run;
      try {
        run = await this.options.tracking.getRun(place.runId);
      } catch (err) {
        if (err instanceof CairnError && err.code === 'NOT_FOUND') continue;
        throw err;
      }
      if (proxiedRoot(run.info.artifact_uri) === place.root) return { ...place, active: run.info.lifecycle_stage === 'active' };
    }
    return null;
  }

  /** A file a run recorded itself (e.g. logged into the repository's cache by `cairn exp run`). */
  private async runFile(p: string): Promise<IndexedFile | null> {
    const place = await this.runPlace(p);
    if (!place || place.rel === '') return null;
    const found = (await this.options.tracking.listArtifacts(place.runId, place.rel)).find((a) => a.path === place.rel);
    return found ? { path: p, oid: found.oid, size: found.size } : null;
  }
}
