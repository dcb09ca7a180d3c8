import { useEffect, useState } from 'react';
import { artifactRoot, artifactUrl, fetchArtifact, listArtifacts, type ArtifactFile } from '../api/artifacts';
import { formatNumber } from '../lib/format';
import { previewKind, parseCsv } from '../lib/preview';
import { ErrorMessage } from './ErrorMessage';

/** A run's artifact tree and a preview of the chosen file: text, JSON pretty, CSV as a table, images, HTML sandboxed. */
export function ArtifactBrowser({ artifactUri }: { artifactUri: string }) {
  const root = artifactRoot(artifactUri);
  const [files, setFiles] = useState<ArtifactFile[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!root) return;
    const walk = async (dir: string): Promise<ArtifactFile[]> => {
      const here = await listArtifacts(root, dir);
      const nested = await Promise.all(here.filter((f) => f.is_dir).map((f) => walk(f.path)));
      return [...here.filter((f) => !f.is_dir), ...nested.flat()];
    };
    walk('').then((all) => setFiles(all.sort((a, b) => a.path.localeCompare(b.path))), setError);
  }, [root]);
  if (!root) return <p className="muted">This run's artifacts are at {artifactUri}, not on this server.</p>;
  return (
    <div className="artifacts">
      <ErrorMessage error={error} />
      <ul className="artifact-list">
        {files.map((f) => (
          <li key={f.path}>
            <button className={open === f.path ? 'link active' : 'link'} onClick={() => setOpen(f.path)}>
              {f.path}
            </button>{' '}
            <span className="muted">{f.file_size !== undefined ? `${formatNumber(f.file_size)} B` : ''}</span>
          </li>
        ))}
        {files.length === 0 && !error && <li className="muted">No artifacts.</li>}
      </ul>
      {open && <Preview root={root} file={open} />}
    </div>
  );
}

function Preview({ root, file }: { root: string; file: string }) {
  const kind = previewKind(file);
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setText(null);
    setError(null);
    if (kind === 'image' || kind === 'html' || kind === 'binary') return;
    fetchArtifact(root, file)
      .then((b) => b.slice(0, 2_000_000).text())
      .then(setText, setError);
  }, [root, file]);
  return (
    <div className="preview" data-testid="artifact-preview">
      <div className="muted">{file}</div>
      <ErrorMessage error={error} />
      {kind === 'image' && <img src={artifactUrl(root, file)} alt={file} style={{ maxWidth: '100%' }} />}
      {kind === 'html' && <iframe title={file} sandbox="" src={artifactUrl(root, file)} style={{ width: '100%', height: 400 }} />}
      {kind === 'binary' && <a href={artifactUrl(root, file)} download>Download</a>}
      {text !== null && kind === 'json' && <pre>{prettyJson(text)}</pre>}
      {text !== null && kind === 'csv' && <CsvTable text={text} />}
      {text !== null && kind === 'text' && <pre>{text}</pre>}
    </div>
  );
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function CsvTable({ text }: { text: string }) {
  const [head, ...rows] = parseCsv(text, 500);
  return (
    <table className="grid">
      <thead>
        <tr>{(head ?? []).map((h, i) => <th key={i}>{h}</th>)}</tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>{r.map((c, j) => <td key={j}>{c}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}
