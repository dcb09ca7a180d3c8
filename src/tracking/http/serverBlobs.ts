import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { CairnError } from '../../core/errors.js';
import { hashFileStream } from '../../core/hash.js';
import type { ArtifactBlobs } from '../trackingStore.js';
import { responseStream, trackingAuthFromEnv, TrackingHttpClient } from './trackingHttpClient.js';

const OBJECTS = 'api/cairn/v1/objects/';

/**
 * Artifact bytes for runs recorded on a server: each file is stored in the local cache as before (when there is one)
 * and uploaded to the server by oid, which the server verifies; an object the server has already is not sent again.
 * Reading prefers the local cache and falls back to the server.
 */
export function serverArtifactBlobs(client: TrackingHttpClient, local?: ArtifactBlobs): ArtifactBlobs {
  const uploaded = new Set<string>();
  return {
    async put(file) {
      const { oid, size } = local ? await local.put(file) : await hashFileStream(file);
      if (!uploaded.has(oid)) {
        await uploadObject(client, { oid, size, open: async () => (local ? local.open(oid) : createReadStream(file)), label: file });
        uploaded.add(oid);
      }
      return { oid, size };
    },
    async open(oid) {
      if (local) {
        try {
          return await local.open(oid);
        } catch (err) {
          if (!(err instanceof CairnError && err.code === 'NOT_FOUND')) throw err;
        }
      }
      const res = await client.send('GET', `${OBJECTS}${oid}`, { doing: `download artifact object ${oid}`, timeoutMs: 3_600_000 });
      return responseStream(res);
    },
  };
}

/** Uploads one object unless the server has it already; true when its bytes were sent. */
export async function uploadObject(client: TrackingHttpClient, object: { oid: string; size: number; open: () => Promise<Readable>; label?: string }): Promise<boolean> {
  const head = await client.send('HEAD', `${OBJECTS}${object.oid}`, { doing: `check artifact object ${object.oid}`, allow: [404] });
  if (head.status !== 404) return false;
  const res = await client.send('PUT', `${OBJECTS}${object.oid}`, {
    body: await object.open(),
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(object.size) },
    doing: `upload artifact ${object.label ?? object.oid}`,
    timeoutMs: 3_600_000,
  });
  await res.body?.cancel();
  return true;
}

/** The artifact blobs for runs recorded in the store at `uri`: the local cache, uploading to the server for http(s). */
export function artifactBlobsFor(options: { uri: string | undefined; env: Record<string, string | undefined>; local?: ArtifactBlobs }): ArtifactBlobs | undefined {
  if (!options.uri || !/^https?:\/\//i.test(options.uri.trim())) return options.local;
  return serverArtifactBlobs(new TrackingHttpClient({ uri: options.uri.trim(), auth: trackingAuthFromEnv(options.env) }), options.local);
}
