import { isMap, isScalar, parseDocument, stringify, YAMLMap, type Document, type Pair } from 'yaml';
import { CairnError } from '../core/errors.js';
import { didYouMean } from '../core/didYouMean.js';
import { STAGE_NAME } from './schema.js';
import { yamlSyntaxError } from './syntaxError.js';

/** Edits of cairn.yaml text that keep the user's comments, order and formatting (yaml's Document API). Pure. */

export interface NewStage {
  name: string;
  cmd: string;
  deps?: string[];
  /** As `-p` takes them: `lr,model.depth` (keys of params.yaml), `train.yaml:epochs,seed`, `other.yaml:` (whole file). */
  params?: string[];
  outs?: string[];
  outsNoCache?: string[];
  outsPersist?: string[];
  metrics?: string[];
  metricsNoCache?: string[];
  plots?: string[];
  plotsNoCache?: string[];
  wdir?: string;
  desc?: string;
  alwaysChanged?: boolean;
}

function openDoc(text: string, file: string): Document {
  const doc = parseDocument(text, { merge: true });
  if (doc.errors.length) {
    throw yamlSyntaxError(doc.errors[0], text, file);
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) doc.contents = new YAMLMap() as never;
  if (!isMap(doc.contents)) throw new CairnError('INVALID', `${file} must be a mapping with a "stages:" key`, { hint: 'start the file with `stages:`' });
  return doc;
}

function stagesMap(doc: Document, file: string, create: boolean): YAMLMap | null {
  const stages = doc.get('stages', true);
  if (stages === undefined || stages === null || (isScalar(stages) && stages.value === null)) {
    if (!create) return null;
    const map = new YAMLMap();
    doc.set('stages', map);
    return map;
  }
  if (!isMap(stages)) throw new CairnError('INVALID', `"stages" in ${file} must be a mapping of stage names to stages`, { hint: 'e.g. `stages: {train: {cmd: python train.py}}`' });
  return stages;
}

/** DVC's `-p` syntax grouped into cairn.yaml params entries. */
export function paramsEntries(specs: string[]): unknown[] {
  const entries: unknown[] = [];
  const byFile = new Map<string, string[] | null>();
  for (const spec of specs) {
    const colon = spec.lastIndexOf(':');
    const file = colon > 0 ? spec.slice(0, colon) : null;
    const keys = (colon > 0 ? spec.slice(colon + 1) : spec).split(',').map((k) => k.trim()).filter(Boolean);
    if (file === null) {
      for (const key of keys) if (!entries.includes(key)) entries.push(key);
      continue;
    }
    const prev = byFile.get(file);
    byFile.set(file, keys.length === 0 || prev === null ? null : [...new Set([...(prev ?? []), ...keys])]);
  }
  for (const [file, keys] of byFile) entries.push({ [file]: keys });
  return entries;
}

function outEntries(plain: string[] = [], options: Record<string, boolean>, into: unknown[]): void {
  for (const p of plain) into.push(Object.keys(options).length ? { [p]: options } : p);
}

/** The cairn.yaml mapping for a new stage, with only the keys it uses. */
export function stageDefinition(stage: NewStage): Record<string, unknown> {
  const def: Record<string, unknown> = {};
  if (stage.desc) def.desc = stage.desc;
  if (stage.wdir && stage.wdir !== '.') def.wdir = stage.wdir;
  def.cmd = stage.cmd;
  if (stage.deps?.length) def.deps = [...stage.deps];
  if (stage.params?.length) def.params = paramsEntries(stage.params);
  const outs: unknown[] = [];
  const persist = new Set(stage.outsPersist ?? []);
  outEntries((stage.outs ?? []).filter((o) => !persist.has(o)), {}, outs);
  outEntries((stage.outsNoCache ?? []).filter((o) => !persist.has(o)), { cache: false }, outs);
  for (const p of persist) outs.push({ [p]: (stage.outsNoCache ?? []).includes(p) ? { cache: false, persist: true } : { persist: true } });
  if (outs.length) def.outs = outs;
  const metrics: unknown[] = [];
  outEntries(stage.metrics, {}, metrics);
  outEntries(stage.metricsNoCache, { cache: false }, metrics);
  if (metrics.length) def.metrics = metrics;
  const plots: unknown[] = [];
  outEntries(stage.plots, {}, plots);
  outEntries(stage.plotsNoCache, { cache: false }, plots);
  if (plots.length) def.plots = plots;
  if (stage.alwaysChanged) def.always_changed = true;
  return def;
}

const SERIALIZE = { lineWidth: 0, flowCollectionPadding: false } as const;

/** Column of a node's first character, when only spaces precede it on its line (block style); else null. */
function blockIndent(text: string, offset: number): number | null {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^ *$/.test(text.slice(lineStart, offset)) ? offset - lineStart : null;
}

/** The end offset of a block mapping's content (just after its last line), or null for a flow mapping. */
function blockEnd(map: YAMLMap): number | null {
  return !map.flow && map.range ? map.range[1] : null;
}

const indentLines = (snippet: string, indent: number) =>
  snippet.split('\n').map((l) => (l ? ' '.repeat(indent) + l : l)).join('\n');

function splice(text: string, at: number, end: number, insert: string): string {
  return text.slice(0, at) + insert + text.slice(end);
}

/** Inserts whole lines at the end of a block; a file that does not end in a newline gets one first. */
function appendLines(text: string, at: number, lines: string): string {
  return splice(text, at, at, (at > 0 && text[at - 1] !== '\n' ? '\n' : '') + lines);
}

/** Adds (or with `force` replaces, in place) a stage; returns the new file text. */
export function addStageToText(text: string, stage: NewStage, options: { file: string; force?: boolean }): string {
  if (!STAGE_NAME.test(stage.name)) {
    throw new CairnError('USAGE', `bad stage name "${stage.name}"`, { hint: 'use letters, digits, "_", "-" and "." ("@" is reserved for foreach and matrix instances)' });
  }
  const doc = openDoc(text, options.file);
  const stages = stagesMap(doc, options.file, true)!;
  if (stages.has(stage.name) && !options.force) {
    throw new CairnError('CONFLICT', `stage "${stage.name}" already exists in ${options.file}`, { hint: 'use -f/--force to replace it, or choose another name with -n' });
  }
  const def = stageDefinition(stage);
  // Splice the new stage into the original text, so every other byte of the file stays as the user wrote it.
  const existing = stages.items.find((i) => isScalar(i.key) && i.key.value === stage.name) as Pair<any, any> | undefined;
  const end = blockEnd(stages);
  const firstKey = stages.items[0]?.key as { range?: [number, number, number] } | undefined;
  const indent = firstKey?.range ? blockIndent(text, firstKey.range[0]) : 2;
  if (end !== null && indent !== null && stages.items.length > 0) {
    const snippet = indentLines(stringify({ [stage.name]: def }, SERIALIZE), indent);
    if (!existing) return appendLines(text, end, snippet);
    const valueEnd = existing.value?.range?.[1] as number | undefined;
    if (valueEnd !== undefined && !existing.value?.flow && blockIndent(text, existing.key.range[0]) === indent) {
      const start = text.lastIndexOf('\n', existing.key.range[0] - 1) + 1;
      return splice(text, start, valueEnd, snippet);
    }
  }
  stages.set(stage.name, doc.createNode(def));
  return doc.toString(SERIALIZE);
}

/** Names of the stage entries written in the file (foreach/matrix groups by their group name). */
export function declaredStageNames(text: string, file: string): string[] {
  const stages = stagesMap(openDoc(text, file), file, false);
  return stages ? stages.items.map((i) => String(isScalar(i.key) ? i.key.value : i.key)) : [];
}

/**
 * Sets `frozen: true` on stages (or removes the key, to unfreeze) and returns the new text. A foreach group is
 * frozen in its `do:` template; single foreach/matrix instances cannot be frozen alone.
 */
export function setFrozenInText(text: string, names: string[], frozen: boolean, file: string): string {
  const doc = openDoc(text, file);
  const stages = stagesMap(doc, file, false);
  const declared = stages ? stages.items.map((i) => String(isScalar(i.key) ? i.key.value : i.key)) : [];
  for (const name of names) {
    const def = stages?.get(name, true);
    if (!isMap(def)) {
      if (name.includes('@') && declared.includes(name.split('@')[0])) {
        throw new CairnError('USAGE', `"${name}" is one instance of the foreach/matrix stage "${name.split('@')[0]}" and cannot be frozen alone`, {
          hint: `freeze the whole group with \`cairn ${frozen ? 'freeze' : 'unfreeze'} ${name.split('@')[0]}\``,
        });
      }
      const guess = didYouMean(name, declared);
      throw new CairnError('NOT_FOUND', `no stage named "${name}" in ${file}`, {
        hint: guess ? `did you mean "${guess}"? (\`cairn stage list\` shows all stages)` : '`cairn stage list` shows all stages',
        data: { stage: name },
      });
    }
    const body: unknown = def.get('do', true);
    const target = def.has('foreach') && isMap(body) ? body : def;
    const edited = spliceFrozen(text, target, frozen);
    if (edited !== null) {
      // Offsets moved: re-parse so the next name is found in the edited text.
      return setFrozenInText(edited, names.slice(names.indexOf(name) + 1), frozen, file);
    }
    if (frozen) target.set('frozen', true);
    else target.delete('frozen');
    return setFrozenInText(doc.toString(SERIALIZE), names.slice(names.indexOf(name) + 1), frozen, file);
  }
  return text;
}

/** Sets or removes `frozen: true` in a block-style stage mapping by editing only that line; null when not block style. */
function spliceFrozen(text: string, stage: YAMLMap, frozen: boolean): string | null {
  const pair = stage.items.find((i) => isScalar(i.key) && i.key.value === 'frozen') as Pair<any, any> | undefined;
  if (pair) {
    const keyStart = pair.key.range?.[0] as number | undefined;
    const valueEnd = pair.value?.range?.[2] as number | undefined;
    if (keyStart === undefined || valueEnd === undefined || blockIndent(text, keyStart) === null || stage.flow) return null;
    const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
    if (frozen) return pair.value?.value === true ? text : splice(text, pair.value.range[0], pair.value.range[1], 'true');
    return splice(text, lineStart, valueEnd, '');
  }
  if (!frozen) return text;
  const end = blockEnd(stage);
  const firstKey = stage.items[0]?.key as { range?: [number, number, number] } | undefined;
  const indent = firstKey?.range ? blockIndent(text, firstKey.range[0]) : null;
  if (end === null || indent === null) return null;
  return appendLines(text, end, `${' '.repeat(indent)}frozen: true\n`);
}
