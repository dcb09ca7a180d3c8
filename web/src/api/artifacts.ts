/** A run's artifacts over MLflow's proxied artifact API (`mlflow-artifacts:/<exp>/<run>/artifacts`). */
import { getToken, request } from './http';

export interface ArtifactFile {
  path: string;
  is_dir?: boolean;
  file_size?: number;
}

/** The proxy folder of a run's artifact URI, or null when the run's artifacts are not proxied by this server. */
export function artifactRoot(artifactUri: string): string | null {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/+(.*?)\/*$/.exec(artifactUri);
  return m ? m[1] : null;
}

export async function listArtifacts(root: string, dir = ''): Promise<ArtifactFile[]> {
  const path = dir ? `${root}/${dir}` : root;
  const r = await request<{ files?: ArtifactFile[] }>('ajax-api/2.0/mlflow-artifacts/artifacts', { query: { path } });
  return (r.files ?? []).map((f) => ({ ...f, path: dir ? `${dir}/${f.path}` : f.path }));
}

/** The URL of one artifact's bytes (for images and the sandboxed iframe) and a fetch of its text. */
export function artifactUrl(root: string, file: string): string {
  return `ajax-api/2.0/mlflow-artifacts/artifacts/${`${root}/${file}`.split('/').map(encodeURIComponent).join('/')}`;
}

export async function fetchArtifact(root: string, file: string): Promise<Blob> {
  const token = getToken();
  const res = await fetch(artifactUrl(root, file), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}: ${file}`);
  return res.blob();
}
