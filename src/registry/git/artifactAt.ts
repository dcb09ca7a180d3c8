import { PIPELINE_FILE, pipelineDir } from '../../data/findPipelineFiles.js';
import { showFile } from '../../git/git.js';
import { parsePipelineText } from '../../pipeline/loadPipeline.js';
import { resolveTopLevel } from '../../pipeline/topLevel.js';
import type { Artifact } from '../../pipeline/types.js';

/**
 * The `artifacts:` entry for a model at a commit, read from Git (works on a bare clone): `name` from the root
 * cairn.yaml, `dir/cairn.yaml:name` from that file, as DVC and GTO address them. Null when it is not declared.
 */
export async function artifactAt(cwd: string, commit: string, model: string): Promise<Artifact | null> {
  const colon = model.lastIndexOf(':');
  const file = colon >= 0 ? model.slice(0, colon) : PIPELINE_FILE;
  const name = colon >= 0 ? model.slice(colon + 1) : model;
  const text = await showFile(cwd, commit, file);
  if (text === null) return null;
  const top = resolveTopLevel(parsePipelineText(text, file), { dir: pipelineDir(file), file });
  return top.artifacts.find((a) => a.name === name) ?? null;
}
