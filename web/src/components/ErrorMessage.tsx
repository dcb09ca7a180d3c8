import { ApiError } from '../api/http';

/** An API error as the server phrased it, with cairn's hint under it. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error as Error;
  return (
    <div className="error-box" role="alert">
      <div className="error-message">{e.message}</div>
      {e instanceof ApiError && e.hint && <div className="error-hint">{e.hint}</div>}
    </div>
  );
}
