/** Raw HTTP for the artifact tests: paths go out exactly as written (fetch would resolve `..` before sending). */
import { readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json(): any;
}

export function raw(base: string, options: { method: string; path: string; body?: Buffer | string; headers?: Record<string, string> }): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: options.method, path: options.path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';

/** The oids of the objects in a folder destination (`objects/<2>/<62>`), sorted; temp files left out. */
export function objectsIn(root: string): string[] {
  const dir = path.join(root, 'objects');
  try {
    return readdirSync(dir).flatMap((p) => readdirSync(path.join(dir, p)).filter((n) => !n.startsWith('.')).map((n) => p + n)).sort();
  } catch {
    return [];
  }
}
