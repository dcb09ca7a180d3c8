import { CairnError } from '../../core/errors.js';
import type { Scope } from '../routes/route.js';

/** The scopes in order of power: each includes those before it (admin can write, write can read). */
export const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

/** Whether a token of scope `have` may call a route that needs `need`. */
export function scopeAllows(have: Scope, need: Scope): boolean {
  return SCOPES.indexOf(have) >= SCOPES.indexOf(need);
}

/** A scope given by a person (a flag), checked. */
export function parseScope(text: string): Scope {
  if ((SCOPES as readonly string[]).includes(text)) return text as Scope;
  throw new CairnError('USAGE', `unknown token scope "${text}"`, { hint: `use one of ${SCOPES.join(', ')} (admin includes write, write includes read)` });
}
