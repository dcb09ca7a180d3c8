import { SQL_MIGRATIONS_TABLE, type SqlClient, type SqlMigration } from '../../core/sql/sqlClient.js';

/**
 * The artifact proxy's tables: which object each path holds, and the multipart uploads in progress. Paths compare
 * byte by byte on both databases (PostgreSQL's column is COLLATE "C"), so a folder is one range of the primary key:
 * `dir/` <= path < `dir0` ("0" is the character after "/").
 */
export const ARTIFACT_MIGRATIONS: SqlMigration[] = [
  {
    version: 1,
    description: 'artifact proxy: path -> object index, multipart uploads and their parts',
    up: (dialect) => {
      const pathType = dialect === 'postgres' ? 'TEXT COLLATE "C"' : 'TEXT';
      return [
        `CREATE TABLE artifact_index (path ${pathType} PRIMARY KEY, oid TEXT NOT NULL, size BIGINT NOT NULL, updated_time BIGINT NOT NULL)`,
        'CREATE INDEX artifact_index_by_oid ON artifact_index (oid)',
        `CREATE TABLE artifact_uploads (upload_id TEXT PRIMARY KEY, path ${pathType} NOT NULL, num_parts INTEGER NOT NULL, created_time BIGINT NOT NULL)`,
        // `fresh`: this part put its object on the destination (it was not there before), so aborting may remove it.
        'CREATE TABLE artifact_upload_parts (upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, oid TEXT NOT NULL, size BIGINT NOT NULL, fresh INTEGER NOT NULL, PRIMARY KEY (upload_id, part_number))',
        'CREATE INDEX artifact_upload_parts_by_oid ON artifact_upload_parts (oid)',
      ];
    },
  },
];

export const ARTIFACT_LINEAGE = 'artifacts';

export interface IndexedFile {
  path: string;
  oid: string;
  size: number;
}

export interface UploadRow {
  upload_id: string;
  path: string;
  num_parts: number;
  created_time: number;
}

export interface PartRow {
  part_number: number;
  oid: string;
  size: number;
  fresh: number;
}

/** The end of the key range of folder prefix `dir/`: `dir0`, since "0" is the character after "/". Pure. */
export function folderEnd(prefix: string): string {
  return `${prefix.slice(0, -1)}0`;
}

export async function getIndexed(sql: SqlClient, path: string): Promise<IndexedFile | undefined> {
  return sql.get<IndexedFile>('SELECT path, oid, size FROM artifact_index WHERE path = ?', [path]);
}

/** Up to `limit` paths in [from, to) (or (from, to) when `after`), in byte order. */
export async function indexRange(sql: SqlClient, range: { from: string; to: string | null; after?: boolean; limit: number }): Promise<IndexedFile[]> {
  const lower = range.after ? 'path > ?' : 'path >= ?';
  return range.to === null
    ? sql.all<IndexedFile>(`SELECT path, oid, size FROM artifact_index WHERE ${lower} ORDER BY path LIMIT ?`, [range.from, range.limit])
    : sql.all<IndexedFile>(`SELECT path, oid, size FROM artifact_index WHERE ${lower} AND path < ? ORDER BY path LIMIT ?`, [range.from, range.to, range.limit]);
}

/** Whether any indexed path is `path` itself or below it as a folder. */
export async function pathInUse(sql: SqlClient, path: string): Promise<'file' | 'folder' | null> {
  if (await getIndexed(sql, path)) return 'file';
  const below = await sql.get('SELECT 1 AS x FROM artifact_index WHERE path >= ? AND path < ? LIMIT 1', [`${path}/`, folderEnd(`${path}/`)]);
  return below ? 'folder' : null;
}

export async function upsertIndexed(sql: SqlClient, file: IndexedFile, now: number): Promise<void> {
  await sql.run(
    'INSERT INTO artifact_index (path, oid, size, updated_time) VALUES (?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET oid = excluded.oid, size = excluded.size, updated_time = excluded.updated_time',
    [file.path, file.oid, file.size, now],
  );
}

/** Removes `path` and everything below it as a folder; `''` removes every path. Returns how many rows went. */
export async function deleteIndexed(sql: SqlClient, path: string): Promise<number> {
  if (path === '') return (await sql.run('DELETE FROM artifact_index')).changes;
  const { changes } = await sql.run('DELETE FROM artifact_index WHERE path = ? OR (path >= ? AND path < ?)', [path, `${path}/`, folderEnd(`${path}/`)]);
  return changes;
}

/** Whether any indexed file or part of an upload other than `exceptUpload` holds object `oid`. */
export async function oidInUse(sql: SqlClient, oid: string, exceptUpload?: string): Promise<boolean> {
  if (await sql.get('SELECT 1 AS x FROM artifact_index WHERE oid = ? LIMIT 1', [oid])) return true;
  const part = await sql.get('SELECT 1 AS x FROM artifact_upload_parts WHERE oid = ? AND upload_id <> ? LIMIT 1', [oid, exceptUpload ?? '']);
  return Boolean(part);
}

export async function insertUpload(sql: SqlClient, upload: UploadRow): Promise<void> {
  await sql.run('INSERT INTO artifact_uploads (upload_id, path, num_parts, created_time) VALUES (?, ?, ?, ?)', [upload.upload_id, upload.path, upload.num_parts, upload.created_time]);
}

export async function getUpload(sql: SqlClient, uploadId: string): Promise<UploadRow | undefined> {
  return sql.get<UploadRow>('SELECT upload_id, path, num_parts, created_time FROM artifact_uploads WHERE upload_id = ?', [uploadId]);
}

/** Up to `limit` uploads started before `before`. */
export async function staleUploads(sql: SqlClient, before: number, limit: number): Promise<UploadRow[]> {
  return sql.all<UploadRow>('SELECT upload_id, path, num_parts, created_time FROM artifact_uploads WHERE created_time < ? ORDER BY created_time LIMIT ?', [before, limit]);
}

export async function uploadParts(sql: SqlClient, uploadId: string): Promise<PartRow[]> {
  return sql.all<PartRow>('SELECT part_number, oid, size, fresh FROM artifact_upload_parts WHERE upload_id = ? ORDER BY part_number', [uploadId]);
}

/** Records a part (replacing an earlier upload of the same number); returns the part it replaced, if any. */
export async function putPartRow(sql: SqlClient, uploadId: string, part: PartRow): Promise<PartRow | undefined> {
  return sql.tx(async (tx) => {
    const old = await tx.get<PartRow>('SELECT part_number, oid, size, fresh FROM artifact_upload_parts WHERE upload_id = ? AND part_number = ?', [uploadId, part.part_number]);
    await tx.run(
      'INSERT INTO artifact_upload_parts (upload_id, part_number, oid, size, fresh) VALUES (?, ?, ?, ?, ?) ON CONFLICT (upload_id, part_number) DO UPDATE SET oid = excluded.oid, size = excluded.size, fresh = excluded.fresh',
      [uploadId, part.part_number, part.oid, part.size, part.fresh],
    );
    return old;
  });
}

/** Forgets an upload and its parts; returns the parts, or null when the upload was already gone. */
export async function dropUpload(sql: SqlClient, uploadId: string): Promise<PartRow[] | null> {
  return sql.tx(async (tx) => {
    const parts = await tx.all<PartRow>('SELECT part_number, oid, size, fresh FROM artifact_upload_parts WHERE upload_id = ? ORDER BY part_number', [uploadId]);
    await tx.run('DELETE FROM artifact_upload_parts WHERE upload_id = ?', [uploadId]);
    const { changes } = await tx.run('DELETE FROM artifact_uploads WHERE upload_id = ?', [uploadId]);
    return changes === 0 ? null : parts;
  });
}

/**
 * Every object the proxy's index holds (files, and parts of uploads in progress), for `cairn gc` when the server
 * keeps its artifacts in a repository's cache; empty when this database never served artifacts.
 */
export async function indexedOids(sql: SqlClient): Promise<Set<string>> {
  const served = await sql.get(`SELECT 1 AS x FROM ${SQL_MIGRATIONS_TABLE} WHERE lineage = ?`, [ARTIFACT_LINEAGE]).catch((err: unknown) => {
    if (/no such table|does not exist/i.test(String((err as Error)?.message))) return undefined;
    throw err;
  });
  if (!served) return new Set();
  const rows = await sql.all<{ oid: string }>('SELECT oid FROM artifact_index UNION SELECT oid FROM artifact_upload_parts');
  return new Set(rows.map((r) => r.oid));
}
