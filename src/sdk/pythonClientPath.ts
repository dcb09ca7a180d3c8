import path from 'node:path';
import { PACKAGE_ROOT } from './runTarget.js';

/**
 * The absolute path of the installed package's clients/python folder: put it on PYTHONPATH and `import cairn`
 * works with no set-up (the stage executor adds it for every stage).
 */
export const PYTHON_CLIENT_DIR = path.join(PACKAGE_ROOT, 'clients', 'python');

/** PYTHONPATH with the Python client first, keeping whatever the user had. */
export function pythonPathWithClient(existing: string | undefined): string {
  return existing ? `${PYTHON_CLIENT_DIR}${path.delimiter}${existing}` : PYTHON_CLIENT_DIR;
}
