import { createReadStream, existsSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CairnError } from '../../../core/errors.js';
import { PACKAGE_ROOT } from '../../../core/packagePaths.js';
import { contentTypeOf } from '../../artifacts/contentType.js';
import type { ServerContext } from '../../serverContext.js';
import { uiRelativePath } from './uiRelativePath.js';

/** Where `npm run build` puts the web UI inside the package. */
export const DEFAULT_UI_DIR = path.join(PACKAGE_ROOT, 'dist', 'web');

/**
 * The page security for the UI: only this server's scripts, styles and API; images also from data:/blob: URLs
 * (chart exports, artifact previews); frames only of this server (HTML artifact previews) and never framed elsewhere.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-src 'self' blob: data:",
  "frame-ancestors 'self'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * The built web UI at `/`: its files (hashed assets cached for a year, immutable), and index.html for every other
 * GET outside the APIs (the SPA fallback: views live in the URL's hash, but a shared link with a path still loads).
 * The UI is public (it holds no data); its API calls carry the token. Unknown API GETs keep their JSON 404 and still
 * need a token, so the fallback does not let anyone probe which routes exist.
 */
export function uiRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const dir = ctx.uiDir === undefined ? DEFAULT_UI_DIR : ctx.uiDir;
  for (const prefix of ['/api/*', '/ajax-api/*']) app.get(prefix, (_request, reply) => reply.callNotFound());
  const handler = async (request: { url: string }, reply: FastifyReply) => serveUi(dir, request.url, reply);
  app.get('/', { config: { scope: 'public' } }, handler);
  app.get('/*', { config: { scope: 'public' } }, handler);
}

async function serveUi(dir: string | null, url: string, reply: FastifyReply): Promise<FastifyReply> {
  if (!dir || !existsSync(path.join(dir, 'index.html'))) return notBuilt(reply, dir);
  const rel = uiRelativePath(url.split('?')[0]);
  const file = rel === '' ? null : await confinedFile(dir, rel);
  if (file) return sendFile(reply, file, rel.startsWith('assets/'));
  // A missing hashed asset is a 404, not the page: a stale index.html asking for an old bundle should fail loudly.
  if (rel.startsWith('assets/')) {
    throw new CairnError('NOT_FOUND', `the UI has no file ${rel}`, { hint: 'reload the page: the UI was rebuilt since it was loaded' });
  }
  return sendFile(reply, path.join(dir, 'index.html'), false);
}

/** The file under `dir` at `rel`, or null when there is none; a path (or symlink) leading outside `dir` is refused. */
async function confinedFile(dir: string, rel: string): Promise<string | null> {
  const full = path.resolve(dir, rel);
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(full), realpath(dir)]);
    if (!(await stat(real)).isFile()) return null;
  } catch {
    return null;
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
    throw new CairnError('USAGE', `the UI path ${rel} leads outside the UI's folder`, { hint: 'ask for the UI\'s own files only' });
  }
  return real;
}

function sendFile(reply: FastifyReply, file: string, immutable: boolean): FastifyReply {
  reply
    .header('content-type', contentTypeOf(file))
    .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin');
  if (file.endsWith('.html')) reply.header('content-security-policy', CSP);
  return reply.send(createReadStream(file));
}

function notBuilt(reply: FastifyReply, dir: string | null): FastifyReply {
  const why = dir ? `the built web UI is not there (${escapeHtml(dir)} has no index.html)` : 'this server was started without the web UI';
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cairn: web UI not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 42em; margin: 3em auto; line-height: 1.5">
<h1>The cairn server is running, but ${why}.</h1>
<p>Build it from cairn's source folder with <code>npm run build</code> (or only the UI: <code>npm run build:web</code>),
then reload this page. The APIs work without it: <code>/api/2.0/mlflow/</code>, <code>/api/cairn/v1/</code>.</p>
</body></html>`;
  return reply.status(404).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}
