import { CairnError } from '../../../core/errors.js';

/**
 * The UI-relative file path of a request path (`/assets/x.js` → `assets/x.js`, `/` → ''), decoded once. Refuses
 * what could leave the UI's folder: `..` segments (also percent-encoded), backslashes, NUL bytes. Pure.
 */
export function uiRelativePath(urlPath: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    throw refused(urlPath, 'it is not valid percent-encoding');
  }
  if (decoded.includes('\0') || decoded.includes('\\')) throw refused(urlPath, 'it holds a NUL byte or a backslash');
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw refused(urlPath, 'it climbs out with ".."');
  return segments.join('/');
}

function refused(urlPath: string, why: string): CairnError {
  return new CairnError('USAGE', `the UI path ${urlPath.slice(0, 200)} is refused: ${why}`, { hint: 'ask for the UI\'s own files only, e.g. /assets/index.js' });
}
