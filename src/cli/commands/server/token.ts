import { CairnError } from '../../../core/errors.js';
import { openBackend } from '../../../server/openBackend.js';
import { parseScope } from '../../../server/auth/scope.js';
import { TokenStore, type TokenInfo } from '../../../server/auth/tokenStore.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';
import { fitTable } from '../../output/fitTable.js';
import { backendUri } from './start.js';

/** `cairn server token create|list|revoke`, on the database the server uses (same --backend-store-uri default). */
export async function tokenCommand(ctx: CliContext, sub: string, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  // Check what was typed before opening (and perhaps creating) a database.
  const scope = sub === 'create' ? parseScope(String(opts.scope ?? 'read')) : 'read';
  const lifetime = sub === 'create' && opts.expires !== undefined ? parseDuration(String(opts.expires)) : null;
  const uri = await backendUri(ctx, opts.backendStoreUri as string | undefined);
  const backend = await openBackend({ uri, cwd: ctx.cwd, user: ctx.env.USER });
  try {
    const tokens = await TokenStore.open(backend.sql);
    const where = backend.tracking.displayUri;
    if (sub === 'create') {
      const created = await tokens.create({ name: String(opts.name), scope, expiresTime: lifetime === null ? null : Date.now() + lifetime });
      return {
        data: { ...created, backend: where },
        text: created.token,
        summary: [
          `created the ${scope} token "${created.name}" (id ${created.id}${created.expires_time ? `, expires ${iso(created.expires_time)}` : ''}) in ${where}`,
          'store it now: it is not shown again (clients send it as MLFLOW_TRACKING_TOKEN, or as the basic-auth password)',
        ],
      };
    }
    if (sub === 'list') {
      const list = await tokens.list();
      if (list.length === 0) return { data: [], summary: [`no tokens in ${where}; create one with \`cairn server token create --name NAME --scope write\``] };
      return { data: list, text: tokenTable(list) };
    }
    if (sub === 'revoke') {
      const revoked = await tokens.revoke(args[0]);
      return { data: { ...revoked, revoked: true }, summary: [`revoked the token "${revoked.name}" (id ${revoked.id}); requests with it now get 401`] };
    }
    throw new CairnError('USAGE', `unknown token sub-command "${sub}"`, { hint: 'use create, list or revoke' });
  } finally {
    await backend.close();
  }
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 };

/** A lifetime like `30d` in milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)\s*([mhdwy])$/.exec(text.trim());
  if (!m || Number(m[1]) < 1) {
    throw new CairnError('USAGE', `--expires must be a number and a unit (m, h, d, w, y), not "${text}"`, { hint: 'e.g. `--expires 30d` or `--expires 12h`' });
  }
  return Number(m[1]) * UNIT_MS[m[2]];
}

function tokenTable(list: TokenInfo[]): string[] {
  const now = Date.now();
  const expires = (t: TokenInfo) => (t.expires_time === null ? 'never' : `${t.expires_time <= now ? 'expired ' : ''}${iso(t.expires_time)}`);
  const rows = list.map((t) => [t.id, t.name, t.scope, iso(t.created_time), t.last_used_time ? iso(t.last_used_time) : 'never', expires(t)]);
  return fitTable(['ID', 'NAME', 'SCOPE', 'CREATED', 'LAST USED', 'EXPIRES'], rows, { width: 120, keep: [0, 2] });
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
