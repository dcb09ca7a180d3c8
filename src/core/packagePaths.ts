import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the installed cairn package (this file is at dist/core/ or src/core/: two levels down). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** cairn's own CLI script, run with node (what clients call to ingest a run when CAIRN_BIN is not set). */
export const CAIRN_CLI_SCRIPT = path.join(PACKAGE_ROOT, 'bin', 'cairn.js');

/**
 * The installed package's clients/python folder: with it on PYTHONPATH, `import cairn` works with no set-up. In
 * core so the stage executor (src/pipeline) can use it; the SDK re-exports it.
 */
export const PYTHON_CLIENT_DIR = path.join(PACKAGE_ROOT, 'clients', 'python');

/** PYTHONPATH with the Python client first, keeping whatever the user had. */
export function pythonPathWithClient(existing: string | undefined): string {
  return existing ? `${PYTHON_CLIENT_DIR}${path.delimiter}${existing}` : PYTHON_CLIENT_DIR;
}

/** The installed package's version (package.json), read when first asked for. */
export function cairnVersion(): string {
  return (cachedVersion ??= (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version);
}
let cachedVersion: string | undefined;
