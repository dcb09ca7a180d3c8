import { CairnError } from '../core/errors.js';
import { hashFileStream } from '../core/hash.js';
import type { ObjectStore } from '../data/objectStore.js';
import type { ArtifactBlobs } from '../tracking/trackingStore.js';

/** Run artifacts stored as objects of the repository's cache (tracking does not import data; the experiments layer joins them). */
export function cacheArtifactBlobs(objects: ObjectStore): ArtifactBlobs {
  return {
    async put(file) {
      await objects.ensureLayout();
      const { oid } = await hashFileStream(file);
      // putFile re-verifies the bytes as it copies them, so a file changed since it was hashed is refused.
      const { size } = await objects.putFile(file, oid);
      return { oid, size };
    },
    async open(oid) {
      if (!(await objects.has(oid))) {
        throw new CairnError('NOT_FOUND', `artifact object ${oid} is not in the cache ${objects.root}`, { hint: 'fetch it with `cairn pull`, if a remote has it' });
      }
      return objects.open(oid);
    },
  };
}
