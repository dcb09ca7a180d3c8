import { CairnError } from '../../core/errors.js';
import { createAnnotatedTag, deleteTag, fetchTags, pushTags } from '../../git/tags.js';
import { readModel } from './readRegistry.js';
import { modelTagGlobs } from './tagNames.js';

/** How many times a push that lost a race renumbers its tag and tries again. */
const PUSH_ATTEMPTS = 3;

export interface CountedTag {
  model: string;
  /** The tag name for counter N (`churn#prod#N`). */
  name(counter: number): string;
  commit: string;
  message: string;
  /** Push to this Git remote after creating it. */
  push?: string;
}

/**
 * Creates a tag that carries GTO's counter (the model's highest N + 1). With `push`, a remote that already has that
 * name (another clone promoted at the same time) makes it renumber: the local tag is dropped, the model's tags are
 * fetched, and the tag is created again with the next N — the later N wins, so both clones then agree.
 */
export async function writeCountedTag(cwd: string, tag: CountedTag): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const counter = ((await readModel(cwd, tag.model))?.counter ?? 0) + 1;
    const name = tag.name(counter);
    await createAnnotatedTag(cwd, { name, commit: tag.commit, message: tag.message });
    if (!tag.push) return name;
    try {
      await pushTags(cwd, tag.push, [name]);
      return name;
    } catch (err) {
      if (!(err instanceof CairnError && err.code === 'CONFLICT') || attempt >= PUSH_ATTEMPTS) throw err;
      await deleteTag(cwd, name);
      await fetchTags(cwd, tag.push, modelTagGlobs(tag.model));
    }
  }
}
