import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { CairnError } from '../../../core/errors.js';
import { isOid } from '../../../core/hash.js';
import { batchEventsInput } from '../../../tracking/events/eventsInput.js';
import { eventsSource, ingestEvents } from '../../../tracking/events/ingestEvents.js';
import { checkRunId } from '../../../tracking/validate.js';
import { createRunRequest, decodeCheckpoint, decodeWrites } from '../../../tracking/http/wire.js';
import { assertConfined } from '../../artifacts/assertConfined.js';
import type { ServerContext } from '../../serverContext.js';
import { optionalString, requiredString } from '../input.js';

export const NATIVE_ROOT = '/api/cairn/v1';

/** Largest artifact object a client may upload in one PUT (the MLflow artifact API has multipart for bigger files). */
const OBJECT_LIMIT = 5 * 1024 * 1024 * 1024;

/**
 * cairn's own tracking calls, for what MLflow's API lacks and cairn's HTTP tracking store needs: atomic writes with
 * an ingestion checkpoint, ingest offsets, runs created with their id, artifacts with their oids, and the artifact
 * objects themselves (uploaded by oid and verified against it).
 */
export function nativeTrackingRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const read = { config: { scope: 'read' as const, api: 'native' as const } };
  const write = { config: { scope: 'write' as const, api: 'native' as const } };

  app.post(`${NATIVE_ROOT}/tracking/write`, write, async (request) => {
    const body = bodyOf(request.body);
    await ctx.tracking.write(decodeWrites(body.writes ?? []), decodeCheckpoint(body.checkpoint));
    return {};
  });

  app.get(`${NATIVE_ROOT}/tracking/ingest-offset`, read, async (request) => {
    const source = requiredString(request.query as Record<string, unknown>, 'source');
    return { source, offset: await ctx.tracking.getIngestOffset(source) };
  });

  app.post(`${NATIVE_ROOT}/runs/create`, write, async (request) => {
    const run = createRunRequest(bodyOf(request.body));
    if (run.run_id !== undefined) checkRunId(run.run_id);
    return { run: { info: await ctx.tracking.createRun(run) } };
  });

  app.get(`${NATIVE_ROOT}/runs/:run_id/artifacts`, read, async (request) => {
    const runId = checkRunId((request.params as { run_id: string }).run_id);
    const prefix = optionalString(request.query as Record<string, unknown>, 'prefix');
    return { artifacts: await ctx.tracking.listArtifacts(runId, prefix || undefined) };
  });

  // A batch of a client's events file (the Python client's, and any language's that cannot reach a cairn CLI),
  // ingested by the same code as a file, exactly once: a batch sent again after a lost answer changes nothing.
  app.post(`${NATIVE_ROOT}/events`, write, async (request) => {
    const body = bodyOf(request.body);
    const runId = optionalString(request.query as Record<string, unknown>, 'run_id');
    if (runId !== undefined) checkRunId(runId);
    const batch = {
      path: requiredString(body, 'path'),
      head: requiredString(body, 'head'),
      offset: Number(body.offset ?? 0),
      text: typeof body.text === 'string' ? body.text : '',
      firstLine: typeof body.first_line === 'number' ? body.first_line : undefined,
    };
    if (!Number.isSafeInteger(batch.offset) || batch.offset < 0) throw new CairnError('USAGE', `"offset" must be a byte offset, not ${JSON.stringify(body.offset)}`);
    const end = batch.offset + Buffer.byteLength(batch.text);
    const stored = await ctx.tracking.getIngestOffset(eventsSource(batch.path, batch.head));
    if (stored >= end) return { offset: stored, lines: 0, points: 0 };
    const result = await ingestEvents({ store: ctx.tracking, file: batch.path, input: batchEventsInput(batch), runId, now: ctx.now });
    return { offset: result.offset, run_id: result.run_id, lines: result.lines, points: result.points };
  });

  app.register(async (objects) => {
    // Object bytes are a stream, never parsed (the app's own parser reads every other body as JSON).
    for (const type of ['application/octet-stream']) {
      if (!objects.hasContentTypeParser(type)) objects.addContentTypeParser(type, (_request, payload, done) => done(null, payload));
    }
    const objectsOf = () => {
      if (!ctx.objects) {
        throw new CairnError('USAGE', 'this server keeps no artifact objects', { hint: 'start it with an artifact destination (`cairn server --artifacts-destination DIR_OR_URL`)' });
      }
      return ctx.objects;
    };

    objects.get(`${NATIVE_ROOT}/objects/:oid`, read, async (request, reply) => {
      const oid = oidParam(request.params);
      const store = objectsOf();
      if (!(await store.exists([oid])).has(oid)) {
        throw new CairnError('NOT_FOUND', `object ${oid} is not on this server`, { data: { oid } });
      }
      // A folder destination's object path never leads out of it through a symlink.
      await assertConfined(store, oid);
      if (request.method === 'HEAD') return reply.type('application/octet-stream').send();
      return reply.type('application/octet-stream').send(await store.download(oid));
    });

    objects.put(`${NATIVE_ROOT}/objects/:oid`, { ...write, bodyLimit: OBJECT_LIMIT }, async (request) => {
      const oid = oidParam(request.params);
      const store = objectsOf();
      const body = request.body as Readable | undefined;
      if (!body || typeof (body as Readable).pipe !== 'function') {
        throw new CairnError('USAGE', `send the bytes of object ${oid} as the body, with content-type application/octet-stream`);
      }
      if ((await store.exists([oid])).has(oid)) {
        body.resume();
        return { oid, stored: false };
      }
      const tmp = path.join(os.tmpdir(), `cairn-upload-${randomUUID()}`);
      try {
        const hash = createHash('sha256');
        let size = 0;
        const count = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            hash.update(chunk);
            size += chunk.length;
            cb(null, chunk);
          },
        });
        await pipeline(body, count, createWriteStream(tmp, { mode: 0o600 }));
        const got = hash.digest('hex');
        if (got !== oid) {
          throw new CairnError('INTEGRITY', `the bytes sent as object ${oid} hash to ${got}`, { hint: 'the upload was corrupted or the oid is wrong; send it again', data: { oid, got } });
        }
        await assertConfined(store, oid);
        await store.upload(oid, tmp, size);
        return { oid, size, stored: true };
      } finally {
        await fs.rm(tmp, { force: true });
      }
    });
  });
}

function oidParam(params: unknown): string {
  const oid = String((params as { oid?: string }).oid ?? '').toLowerCase();
  if (!isOid(oid)) throw new CairnError('USAGE', `"${oid}" is not an object id`, { hint: 'object ids are 64 lowercase hex characters (sha256)' });
  return oid;
}

function bodyOf(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CairnError('USAGE', 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}
