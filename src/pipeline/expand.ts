import { CairnError } from '../core/errors.js';
import { didYouMean } from '../core/didYouMean.js';
import { interpolateValue, type VarContext } from './interpolate.js';

/** `foreach`/`do` and `matrix` expansion into concrete stage instances, named as DVC names them. Pure. */

export interface StageInstance {
  /** `train`, `build@us`, `build@0`, `fit@0.1-3`. */
  name: string;
  /** The group the instance came from (`build` for `build@us`), equal to name for plain stages. */
  group: string;
  /** The raw stage definition to resolve (for foreach: the `do` body; for matrix: the stage minus `matrix`). */
  def: Record<string, unknown>;
  /** The context with `item` (and `key`) bound. */
  ctx: VarContext;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function invalid(stage: string, message: string, hint: string): CairnError {
  return new CairnError('INVALID', `stage "${stage}": ${message}`, { hint, data: { stage } });
}

function withItem(ctx: VarContext, stage: string, bindings: Record<string, unknown>): VarContext {
  for (const reserved of Object.keys(bindings)) {
    if (Object.prototype.hasOwnProperty.call(ctx, reserved)) {
      throw invalid(stage, `"${reserved}" is already defined in params or vars, so foreach/matrix cannot bind it`, `rename the "${reserved}" variable in params.yaml or vars`);
    }
  }
  return { ...ctx, ...bindings };
}

function expandForeach(name: string, def: Record<string, unknown>, ctx: VarContext): StageInstance[] {
  const extra = Object.keys(def).filter((k) => k !== 'foreach' && k !== 'do');
  if (extra.length) {
    const guess = didYouMean(extra[0], ['foreach', 'do']);
    throw invalid(name, `a foreach stage takes only "foreach" and "do", not "${extra[0]}"`, guess ? `did you mean "${guess}"?` : `move "${extra[0]}" inside "do:"`);
  }
  if (!isPlainObject(def.do)) throw invalid(name, '"foreach" needs a "do:" mapping with the stage template', 'add `do:` with cmd, deps and outs using ${item}');
  const body = def.do;
  const items = interpolateValue(def.foreach, ctx, { stage: name, field: 'foreach' });
  const out: StageInstance[] = [];
  if (Array.isArray(items)) {
    items.forEach((item, index) => {
      const suffix = isScalar(item) ? String(item) : String(index);
      out.push({ name: `${name}@${suffix}`, group: name, def: body, ctx: withItem(ctx, name, { item }) });
    });
  } else if (isPlainObject(items)) {
    for (const [key, item] of Object.entries(items)) {
      out.push({ name: `${name}@${key}`, group: name, def: body, ctx: withItem(ctx, name, { item, key }) });
    }
  } else {
    throw invalid(name, `"foreach" must be a list or a mapping (or \${var} naming one), not ${JSON.stringify(items)}`, 'e.g. `foreach: [us, eu]` or `foreach: ${regions}`');
  }
  return out;
}

function expandMatrix(name: string, def: Record<string, unknown>, ctx: VarContext): StageInstance[] {
  const matrix = interpolateValue(def.matrix, ctx, { stage: name, field: 'matrix' });
  if (!isPlainObject(matrix) || Object.keys(matrix).length === 0) {
    throw invalid(name, '"matrix" must be a mapping of names to lists of values', 'e.g. `matrix: {lr: [0.1, 0.01], depth: [3, 5]}`');
  }
  const axes = Object.entries(matrix).map(([axis, values]) => {
    const list = typeof values === 'string' ? interpolateValue(values, ctx, { stage: name, field: `matrix.${axis}` }) : values;
    if (!Array.isArray(list) || list.length === 0) {
      throw invalid(name, `matrix "${axis}" must be a non-empty list, not ${JSON.stringify(list)}`, `e.g. \`${axis}: [a, b]\``);
    }
    return { axis, values: list as unknown[] };
  });
  const { matrix: _m, ...body } = def;
  let combos: { item: Record<string, unknown>; labels: string[] }[] = [{ item: {}, labels: [] }];
  for (const { axis, values } of axes) {
    combos = combos.flatMap((c) =>
      values.map((v, i) => ({ item: { ...c.item, [axis]: v }, labels: [...c.labels, isScalar(v) ? String(v) : `${axis}${i}`] })),
    );
  }
  return combos.map((c) => ({ name: `${name}@${c.labels.join('-')}`, group: name, def: body, ctx: withItem(ctx, name, { item: c.item }) }));
}

/** One stage definition as instances: itself, or one per foreach item or matrix combination. */
export function expandStage(name: string, def: Record<string, unknown>, ctx: VarContext): StageInstance[] {
  if ('foreach' in def) return expandForeach(name, def, ctx);
  if ('do' in def) throw invalid(name, '"do" is only valid together with "foreach"', 'add `foreach:` or move the keys out of `do:`');
  if ('matrix' in def) return expandMatrix(name, def, ctx);
  return [{ name, group: name, def, ctx }];
}
