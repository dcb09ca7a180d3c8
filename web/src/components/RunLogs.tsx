/** @jsxRuntime automatic */
import { useEffect, useState } from 'react';
import { artifactRoot, fetchArtifact, listArtifacts, type ArtifactFile } from '../api/artifacts';
import { ErrorMessage } from './ErrorMessage';

/** The most of a log shown in the page; a longer one shows its end (where a failure is) and links to the whole. */
const SHOWN_BYTES = 64 * 1024;

/**
 * The run's logs: what its commands printed, as cairn records it under `logs/` in the run's artifacts (one file per
 * pipeline stage). Shown whole up to 64 KiB, else its last 64 KiB, since the end is where a failure is.
 */
export function RunLogs({ artifactUri }: { artifactUri: string }) {
  const root = artifactRoot(artifactUri);
  const [files, setFiles] = useState<ArtifactFile[] | null>(null);
  const [texts, setTexts] = useState<Record<string, { text: string; cut: boolean }>>({});
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!root) return setFiles([]);
    let live = true;
    (async () => {
      let logs: ArtifactFile[];
      try {
        logs = (await listArtifacts(root, 'logs')).filter((f) => !f.is_dir);
      } catch (e) {
        if (live) (e as { status?: number })?.status === 404 ? setFiles([]) : setError(e);
        return;
      }
      if (!live) return;
      setFiles(logs);
      for (const f of logs) {
        try {
          const blob = await fetchArtifact(root, f.path);
          const cut = blob.size > SHOWN_BYTES;
          const text = await (cut ? blob.slice(blob.size - SHOWN_BYTES) : blob).text();
          if (live) setTexts((t) => ({ ...t, [f.path]: { text, cut } }));
        } catch (e) {
          if (live) setError(e);
        }
      }
    })();
    return () => {
      live = false;
    };
  }, [root]);
  if (error) return <ErrorMessage error={error} />;
  if (!files) return <div className="loading">Loading…</div>;
  if (files.length === 0) return <p className="muted">No logs recorded (cairn records what a pipeline stage prints).</p>;
  return (
    <div className="run-logs" data-testid="run-logs">
      {files.map((f) => (
        <details key={f.path} open={files.length === 1}>
          <summary className="mono">{f.path}</summary>
          {texts[f.path]?.cut && <p className="muted">The last 64 KiB of {Math.round((f.file_size ?? 0) / 1024)} KiB.</p>}
          <pre className="log">{texts[f.path]?.text ?? '…'}</pre>
        </details>
      ))}
    </div>
  );
}
