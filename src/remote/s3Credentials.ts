import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CairnError } from '../core/errors.js';
import type { RemoteOptions } from './openRemote.js';

export interface S3Settings {
  region: string;
  endpoint?: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** Parses an AWS INI file (credentials or config) into sections of key = value. Pure. */
export function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (head) {
      section = out[head[1]] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (section && eq > 0) section[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  return out;
}

async function readIni(file: string): Promise<Record<string, Record<string, string>>> {
  try {
    return parseIni(await fs.readFile(file, 'utf8'));
  } catch {
    return {};
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Where the S3 client's settings come from, most specific first: the remote's options, then AWS_* variables of the
 * passed environment, then the shared credentials and config files (`profile`, AWS_PROFILE, or "default").
 */
export async function resolveS3Settings(name: string, options: RemoteOptions, env: Record<string, string | undefined>): Promise<S3Settings> {
  const home = env.HOME ?? '';
  const profile = str(options.profile) ?? str(env.AWS_PROFILE) ?? 'default';
  const credFile = str(env.AWS_SHARED_CREDENTIALS_FILE) ?? path.join(home, '.aws', 'credentials');
  const confFile = str(env.AWS_CONFIG_FILE) ?? path.join(home, '.aws', 'config');
  let accessKeyId = str(options.access_key_id);
  let secretAccessKey = str(options.secret_access_key);
  let sessionToken = str(options.session_token);
  if (!accessKeyId && !str(options.profile)) {
    accessKeyId = str(env.AWS_ACCESS_KEY_ID);
    secretAccessKey = str(env.AWS_SECRET_ACCESS_KEY);
    sessionToken = str(env.AWS_SESSION_TOKEN);
  }
  let fileRegion: string | undefined;
  const needFiles = !accessKeyId || (!str(options.region) && !env.AWS_REGION && !env.AWS_DEFAULT_REGION);
  if (needFiles) {
    const creds = (await readIni(credFile))[profile];
    const conf = await readIni(confFile);
    const confSection = conf[profile === 'default' ? 'default' : `profile ${profile}`] ?? conf[profile];
    fileRegion = confSection?.region ?? creds?.region;
    if (!accessKeyId) {
      accessKeyId = creds?.aws_access_key_id ?? confSection?.aws_access_key_id;
      secretAccessKey = creds?.aws_secret_access_key ?? confSection?.aws_secret_access_key;
      sessionToken = creds?.aws_session_token ?? confSection?.aws_session_token;
    }
    if (!accessKeyId && str(options.profile)) {
      throw new CairnError('AUTH', `profile "${profile}" of remote "${name}" has no credentials in ${credFile} or ${confFile}`, {
        hint: 'add aws_access_key_id and aws_secret_access_key to that profile, or choose another with `cairn remote modify NAME profile P`',
      });
    }
  }
  if (!accessKeyId || !secretAccessKey) {
    throw new CairnError('AUTH', `no S3 credentials found for remote "${name}"`, {
      hint: `set them with \`cairn remote modify ${name} access_key_id ID\` and \`... secret_access_key KEY\` (stored in .cairn/config.local.toml), `
        + 'or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a profile in ~/.aws/credentials',
    });
  }
  return {
    region: str(options.region) ?? str(env.AWS_REGION) ?? str(env.AWS_DEFAULT_REGION) ?? fileRegion ?? 'us-east-1',
    endpoint: str(options.endpoint_url) ?? str(env.AWS_ENDPOINT_URL_S3) ?? str(env.AWS_ENDPOINT_URL),
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
  };
}
