import { filterError } from './filterError.js';
import { ATTRIBUTES, ENTITY_PREFIXES, TARGET_ATTRIBUTE_ALIASES, type FilterEntity, type FilterTarget, type OrderBy } from './filterAst.js';
import { tokenize } from './tokenize.js';

/** Parses one MLflow order_by clause: `metrics.acc DESC`, `attributes.start_time`, `` params.`batch size` ASC ``. */
export function parseOrderBy(text: string, target: FilterTarget = 'runs'): OrderBy {
  const tokens = tokenize(text, 'order_by');
  const [key, dir, end] = tokens;
  const fail = (column: number, problem: string): never => {
    throw filterError(text, column, problem, 'order_by');
  };
  if (key.kind !== 'ident') fail(key.column, 'expected a key such as metrics.acc or attributes.start_time');
  const ident = key as Extract<typeof key, { kind: 'ident' }>;
  let entity: FilterEntity = 'attribute';
  let name = ident.name;
  if (ident.prefix !== null) {
    const found = ENTITY_PREFIXES[ident.prefix.toLowerCase()];
    if (!found || found === 'dataset' || (target !== 'runs' && found !== 'attribute' && found !== 'tag')) {
      fail(ident.column, `cannot order ${target} by "${ident.prefix}." keys`);
    }
    entity = found;
  }
  if (entity === 'attribute') {
    name = TARGET_ATTRIBUTE_ALIASES[target][name] ?? name;
    if (!ATTRIBUTES[target][name]) fail(ident.column, `unknown attribute "${ident.name}" (${target} have ${Object.keys(ATTRIBUTES[target]).join(', ')})`);
  }
  let ascending = true;
  let rest = dir;
  if (dir.kind === 'keyword' && (dir.value === 'ASC' || dir.value === 'DESC')) {
    ascending = dir.value === 'ASC';
    rest = end;
  }
  if (rest.kind !== 'eof') fail(rest.column, 'expected ASC, DESC or the end of the order_by clause');
  return { entity, key: name, ascending };
}
