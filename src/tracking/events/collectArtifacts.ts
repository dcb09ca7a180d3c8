import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CairnError } from '../../core/errors.js';
import type { Artifact } from '../entities.js';
import type { ArtifactBlobs } from '../trackingStore.js';
import { checkArtifactPath } from '../validate.js';

/**
 * Stores the bytes of an artifact line's file or folder and returns the run's artifact entries, with MLflow's
 * placement: a file goes to `<folder>/<its name>` (log_artifact), a folder's contents to `<folder>/...` (log_artifacts).
 */
export async function collectArtifacts(blobs: ArtifactBlobs, source: string, folder: string | undefined): Promise<Artifact[]> {
  const prefix = folder ? checkArtifactPath(folder.replace(/\/+$/, '')) : '';
  let st;
  try {
    st = await fs.stat(source);
  } catch {
    throw new CairnError('NOT_FOUND', `artifact ${source} does not exist (it must still be there when the events are ingested)`, {
      hint: 'keep artifact files until the run is ingested; clients keep copies under <events file>.d/',
    });
  }
  const join = (rel: string) => (prefix ? `${prefix}/${rel}` : rel);
  if (!st.isDirectory()) {
    const { oid, size } = await blobs.put(source);
    return [{ path: join(path.basename(source)), oid, size }];
  }
  const out: Artifact[] = [];
  for (const rel of await listFiles(source, '')) {
    const { oid, size } = await blobs.put(path.join(source, rel));
    out.push({ path: join(rel), oid, size });
  }
  return out;
}

/** Files below `dir`, as sorted `/`-separated relative paths (symlinks to folders are not followed). */
async function listFiles(dir: string, rel: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, child)));
    else if (e.isFile() || e.isSymbolicLink()) out.push(child);
  }
  return out;
}
