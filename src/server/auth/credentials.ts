/**
 * The token a request carries in its Authorization header: `Bearer <token>` (MLFLOW_TRACKING_TOKEN, cairn's own
 * clients) or `Basic base64(user:password)` with the token as the password, as MLflow's clients send
 * MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD (the user name is not checked: the token says who it is).
 * Null when there is no header; `{ malformed }` when there is one cairn cannot read.
 */
export function credentialsOf(header: string | undefined): { token: string } | { malformed: string } | null {
  if (header === undefined || header.trim() === '') return null;
  const m = /^(\S+)\s+(.+)$/.exec(header.trim());
  if (!m) return { malformed: 'the Authorization header has no scheme' };
  const scheme = m[1].toLowerCase();
  if (scheme === 'bearer') return { token: m[2].trim() };
  if (scheme === 'basic') {
    const decoded = Buffer.from(m[2].trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { malformed: 'the Basic credentials are not user:password' };
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    // Some clients put a token in the user name and leave the password empty.
    return { token: password !== '' ? password : user };
  }
  return { malformed: `the Authorization scheme "${m[1]}" is not supported` };
}
