/** The search filter grammar, pure (no node: imports): the stores, the server and the web UI share this one copy. */
export { parseFilter } from './parseFilter.js';
export { parseOrderBy } from './parseOrderBy.js';
export { evaluateFilter, compareSubjects, likeToRegExp, type FilterSubject } from './evaluateFilter.js';
export { filterError } from './filterError.js';
export * from './filterAst.js';
