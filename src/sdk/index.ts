/**
 * cairn's TypeScript SDK for training code (`import { startRun } from 'cairn/sdk'`): params, metrics, tags, artifacts
 * and datasets of a run, written to the events file of docs/formats.md. See docs/sdk.md.
 */
export { startRun, activeRun, endRun, withRun, type StartRunOptions } from './startRun.js';
export { Run, type DatasetInput, type MetricOptions } from './run.js';
export { RUN_STATUSES, type RunStatus, type ParamValue } from './eventLines.js';
export { PYTHON_CLIENT_DIR, pythonPathWithClient } from '../core/packagePaths.js';
export { CairnError } from '../core/errors.js';
