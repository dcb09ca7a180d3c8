import path from 'node:path';
import type { ResolvedModelRef } from '../git/resolveModelRef.js';
import type { ProducingStage } from './producingStages.js';

/** The model card of a bundle: `model-card.json` for machines and `MODEL_CARD.md` for people. Pure. */

export const MODEL_CARD_FORMAT = 1;

export interface ModelCard {
  format: number;
  name: string;
  version: string;
  tag: string;
  commit: string;
  registered: { at: string; by: string };
  aliases: string[];
  type: string | null;
  description: string | null;
  labels: string[];
  /** The model's path in the repository, and where its files are in the bundle. */
  path: string;
  files: string[];
  /** The model's own oid, then every input the producing stages read, by path. */
  data: Array<{ path: string; oid: string | null; role: 'model' | 'input' }>;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  run_id: string | null;
  stages: ProducingStage[];
  environment: unknown;
  load: string;
  serve: string | null;
}

/** How to load a model, by its type and file extension (a starting point the card states, not a guarantee). */
export function loadInstructions(modelPath: string, kind: 'file' | 'dir'): string {
  const inBundle = `model/${path.posix.basename(modelPath)}`;
  const ext = path.posix.extname(modelPath).toLowerCase();
  const byExt: Record<string, string> = {
    '.pkl': `import pickle; model = pickle.load(open("${inBundle}", "rb"))`,
    '.pickle': `import pickle; model = pickle.load(open("${inBundle}", "rb"))`,
    '.joblib': `import joblib; model = joblib.load("${inBundle}")`,
    '.pt': `import torch; model = torch.load("${inBundle}")`,
    '.pth': `import torch; model = torch.load("${inBundle}")`,
    '.onnx': `import onnxruntime; session = onnxruntime.InferenceSession("${inBundle}")`,
    '.h5': `import keras; model = keras.models.load_model("${inBundle}")`,
    '.keras': `import keras; model = keras.models.load_model("${inBundle}")`,
    '.safetensors': `from safetensors.torch import load_file; weights = load_file("${inBundle}")`,
    '.json': `import json; model = json.load(open("${inBundle}"))`,
  };
  if (kind === 'dir') return `the model is the folder ${inBundle}/ (e.g. transformers.AutoModel.from_pretrained("${inBundle}"), mlflow.pyfunc.load_model("${inBundle}"))`;
  return byExt[ext] ?? `read the file ${inBundle}`;
}

export function buildModelCard(options: {
  model: ResolvedModelRef;
  registered: { time: number; author: string; email: string };
  aliases: string[];
  kind: 'file' | 'dir';
  files: string[];
  stages: ProducingStage[];
  environment: unknown;
  serve: string | null;
  artifact: { type?: string; desc?: string; labels?: string[] } | null;
}): ModelCard {
  const { model, stages } = options;
  const meta = model.metadata ?? {};
  const path_ = model.path!;
  const inputs = new Map<string, string | null>();
  const produced = new Set(stages.flatMap((s) => s.outs.map((o) => o.path)));
  for (const s of stages) for (const d of s.deps) if (!produced.has(d.path) && !inputs.has(d.path)) inputs.set(d.path, d.oid);
  const params: Record<string, unknown> = {};
  for (const s of stages) for (const [file, values] of Object.entries(s.params)) params[file] = { ...(params[file] as object), ...values };
  return {
    format: MODEL_CARD_FORMAT,
    name: model.name,
    version: model.version,
    tag: model.tag,
    commit: model.commit,
    registered: { at: new Date(options.registered.time).toISOString(), by: `${options.registered.author} <${options.registered.email}>` },
    aliases: options.aliases,
    type: meta.type ?? options.artifact?.type ?? null,
    description: meta.desc ?? options.artifact?.desc ?? null,
    labels: meta.labels ?? options.artifact?.labels ?? [],
    path: path_,
    files: options.files,
    data: [{ path: path_, oid: meta.oid ?? null, role: 'model' }, ...[...inputs].sort().map(([p, oid]) => ({ path: p, oid, role: 'input' as const }))],
    params: Object.keys(params).length ? params : (meta.params ?? {}),
    metrics: meta.metrics ?? {},
    run_id: meta.run_id ?? null,
    stages,
    environment: options.environment,
    load: loadInstructions(path_, options.kind),
    serve: options.serve,
  };
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** The card as Markdown, for people opening the bundle. */
export function modelCardMarkdown(card: ModelCard): string {
  const lines = [
    `# ${card.name} ${card.version}`,
    '',
    ...(card.description ? [card.description, ''] : []),
    `- Git tag ${code(card.tag)} on commit ${code(card.commit)}`,
    `- Registered ${card.registered.at} by ${card.registered.by}`,
    ...(card.aliases.length ? [`- Aliases: ${card.aliases.join(', ')}`] : []),
    ...(card.type ? [`- Type: ${card.type}`] : []),
    ...(card.labels.length ? [`- Labels: ${card.labels.join(', ')}`] : []),
    ...(card.run_id ? [`- Run: ${code(card.run_id)}`] : []),
    '',
    '## Load',
    '',
    '```',
    card.load,
    '```',
    '',
  ];
  if (card.serve) lines.push('## Serve', '', '```', card.serve, '```', '');
  lines.push('## Data', '', '| path | oid | role |', '|---|---|---|', ...card.data.map((d) => `| ${d.path} | ${d.oid ? code(d.oid.slice(0, 16)) : '-'} | ${d.role} |`), '');
  const metrics = Object.entries(card.metrics);
  if (metrics.length) lines.push('## Metrics', '', '| metric | value |', '|---|---|', ...metrics.map(([k, v]) => `| ${k} | ${v} |`), '');
  if (Object.keys(card.params).length) lines.push('## Params', '', '```json', JSON.stringify(card.params, null, 2), '```', '');
  if (card.stages.length) {
    lines.push('## Stages that produced it', '');
    for (const s of card.stages) lines.push(`- **${s.name}**: ${s.cmd.map(code).join(' && ')}`);
    lines.push('');
  }
  lines.push('## Files', '', ...card.files.map((f) => `- ${f}`), '', `Reproduce it with \`git checkout ${card.tag} && cairn repro\`; the full record is in model-card.json.`, '');
  return lines.join('\n');
}
