import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CairnError } from '../../../core/errors.js';
import { artifactPathFromUrl, checkArtifactPath } from '../../artifacts/artifactPath.js';
import type { ArtifactStore } from '../../artifacts/artifactStore.js';
import { contentTypeOf } from '../../artifacts/contentType.js';
import type { ServerContext } from '../../serverContext.js';
import { objectList, optionalString, requiredInt, requiredString } from '../input.js';
import type { RouteInput } from '../route.js';

/**
 * MLflow's proxied artifact API (`mlflow-artifacts:` URIs), under `/api/2.0/mlflow-artifacts/` and
 * `/ajax-api/2.0/mlflow-artifacts/`: files up and down as bytes, folder listings, deletes, and multipart uploads
 * whose part URLs point back at this server. Bodies of uploads are streams, never parsed or held in memory.
 */
export function artifactRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const store = ctx.artifacts;
  if (!store) return;
  for (const root of ['api', 'ajax-api']) {
    const base = `/${root}/2.0/mlflow-artifacts`;
    const read = { config: { scope: 'read' as const, api: 'mlflow' as const } };
    const write = { config: { scope: 'write' as const, api: 'mlflow' as const } };

    const list = async (dir: string) => ({ files: await store.list(dir) });
    app.get(`${base}/artifacts`, read, async (request) => {
      // A folder may be named with a trailing "/" (`model/`), as clients that join paths write it.
      const dir = (optionalString(request.query as RouteInput, 'path') ?? '').replace(/(.)\/$/, '$1');
      return list(checkArtifactPath(dir, { root: true }));
    });
    app.get(`${base}/artifacts/*`, read, async (request, reply) => {
      const tail = urlTail(request, `${base}/artifacts/`);
      if (tail === '') return list('');
      return download(store, artifactPathFromUrl(tail), reply);
    });
    app.delete(`${base}/artifacts/*`, write, async (request) => {
      await store.delete(artifactPathFromUrl(urlTail(request, `${base}/artifacts/`), { folder: true }));
      return {};
    });

    app.post(`${base}/mpu/create/*`, write, async (request) => {
      const tail = urlTail(request, `${base}/mpu/create/`);
      const input = (request.body ?? {}) as RouteInput;
      const numParts = requiredInt(input, 'num_parts');
      const uploadId = await store.createUpload(artifactPathFromUrl(tail), numParts);
      const origin = publicOrigin(request);
      const credentials = Array.from({ length: numParts }, (_, i) => ({
        url: `${origin}${base}/mpu/upload/${tail}?upload_id=${uploadId}&part_number=${i + 1}`,
        part_number: i + 1,
        headers: {},
      }));
      return { upload_id: uploadId, credentials };
    });
    app.post(`${base}/mpu/complete/*`, write, async (request) => {
      const input = (request.body ?? {}) as RouteInput;
      const parts = objectList(input, 'parts').map((part) => ({
        part_number: Number(part.part_number),
        etag: typeof part.etag === 'string' ? part.etag : undefined,
      }));
      await store.completeUpload(artifactPathFromUrl(urlTail(request, `${base}/mpu/complete/`)), requiredString(input, 'upload_id'), parts);
      return {};
    });
    app.post(`${base}/mpu/abort/*`, write, async (request) => {
      const input = (request.body ?? {}) as RouteInput;
      await store.abortUpload(artifactPathFromUrl(urlTail(request, `${base}/mpu/abort/`)), requiredString(input, 'upload_id'));
      return {};
    });

    // Upload bodies reach these handlers as the request stream itself: no parser reads them, so no limit but the
    // store's own applies and a file of gigabytes passes through in constant memory.
    app.register(async (raw) => {
      raw.removeAllContentTypeParsers();
      raw.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
      const upload = async (request: FastifyRequest, reply: FastifyReply) => {
        const p = artifactPathFromUrl(urlTail(request, `${base}/artifacts/`));
        await streamed(request, reply, (body, declaredLength) => store.put(p, body, { declaredLength }));
        return {};
      };
      // MLflow's clients PUT; MLflow 1.x's first proxy clients POSTed.
      raw.put(`${base}/artifacts/*`, write, upload);
      raw.post(`${base}/artifacts/*`, write, upload);
      // A part URL carries its own credential, the upload id, as a presigned S3 URL would: MLflow's clients send
      // parts without the tracking token.
      raw.put(`${base}/mpu/upload/*`, { config: { scope: 'public', api: 'mlflow' } }, async (request, reply) => {
        const p = artifactPathFromUrl(urlTail(request, `${base}/mpu/upload/`));
        const query = request.query as RouteInput;
        const uploadId = requiredString(query, 'upload_id');
        const partNumber = requiredInt(query, 'part_number');
        const etag = await streamed(request, reply, (body, declaredLength) => store.putPart(p, uploadId, partNumber, body, { declaredLength }));
        reply.header('etag', etag);
        return {};
      });
    });
  }
}

/**
 * The origin a client reaches this server at, for the part URLs it is sent back: behind a proxy (nginx's
 * `X-Forwarded-Proto` / `X-Forwarded-Host`) the proxy's, not the loopback address it forwards to. The headers only
 * shape URLs returned to the same client, so one that forges them only misdirects itself.
 */
function publicOrigin(request: FastifyRequest): string {
  const first = (h: string | string[] | undefined) => (Array.isArray(h) ? h[0] : h)?.split(',')[0].trim();
  const proto = first(request.headers['x-forwarded-proto']);
  const host = first(request.headers['x-forwarded-host']);
  return `${proto === 'http' || proto === 'https' ? proto : request.protocol}://${host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? host : request.host}`;
}

/** The still-encoded rest of the request path after the route's fixed prefix. */
function urlTail(request: FastifyRequest, prefix: string): string {
  const pathname = request.url.split('?')[0];
  if (!pathname.startsWith(prefix)) {
    throw new CairnError('USAGE', `cannot read the artifact path of ${pathname}`, { hint: `write the path after ${prefix} without encoding the prefix` });
  }
  return pathname.slice(prefix.length);
}

/**
 * Runs an upload over the request's body stream. When it fails before the body was read to its end, the
 * connection is closed after the error is sent, so the server does not read the rest of a huge body for nothing.
 */
async function streamed<T>(request: FastifyRequest, reply: FastifyReply, fn: (body: Readable, declaredLength: number | undefined) => Promise<T>): Promise<T> {
  const body = (request.body as Readable | undefined) ?? Readable.from([]);
  const header = request.headers['content-length'];
  const declaredLength = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
  try {
    return await fn(body, declaredLength);
  } catch (err) {
    if (!request.raw.readableEnded) reply.header('connection', 'close');
    throw err;
  }
}

/** A file's bytes, streamed, as MLflow sends them: typed by extension, always as an attachment (no XSS via HTML). */
async function download(store: ArtifactStore, p: string, reply: FastifyReply): Promise<FastifyReply> {
  const { file, stream } = await store.open(p);
  const name = p.slice(p.lastIndexOf('/') + 1);
  return reply
    .header('content-type', contentTypeOf(p))
    .header('content-length', file.size)
    .header('content-disposition', `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`)
    .header('x-content-type-options', 'nosniff')
    .header('etag', `"${file.oid}"`)
    .send(stream);
}
