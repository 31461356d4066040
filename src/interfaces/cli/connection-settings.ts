import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { carriesCredentials } from '../../domain/url-credentials.js';
import { NotAuthorisedError, UsageError } from './cli-errors.js';

export interface ConnectionSettings {
  /** The service's origin, without a trailing slash. */
  baseUrl: string;
  adminToken: string;
}

type Environment = Record<string, string | undefined>;

/** `.env` in the working directory, as the service reads it: variables already set win. */
export function loadDotEnv(file = '.env'): void {
  try {
    process.loadEnvFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** `--url`, else HELPDESK_IMPORTER_URL, else the port the service listens on by default. */
export function serviceUrl(option: string | undefined, env: Environment): string {
  const given = option || env.HELPDESK_IMPORTER_URL || `http://localhost:${env.PORT || 3000}`;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new UsageError(`the service URL "${given}" is not a valid URL (--url or HELPDESK_IMPORTER_URL)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('the service URL must start with http:// or https:// (--url or HELPDESK_IMPORTER_URL)');
  // Credentials in the URL would be echoed in messages; the admin token is the only credential.
  if (carriesCredentials(given)) throw new UsageError('the service URL must not contain credentials: the admin token comes from ADMIN_TOKEN');
  if (/\/api\/?$/.test(url.pathname)) throw new UsageError(`the service URL is its origin, such as ${url.origin}, without /api (the CLI adds the API's paths)`);
  return url.toString().replace(/\/+$/, '');
}

/**
 * ADMIN_TOKEN, else the token the service generated when ADMIN_TOKEN was unset
 * (`${DATA_DIR}/admin-token`, see src/infrastructure/admin-token.ts). Never an argument:
 * it would be visible in `ps` and shell history.
 */
export async function adminToken(env: Environment): Promise<string> {
  const configured = env.ADMIN_TOKEN?.trim();
  const file = join(env.DATA_DIR || '.data', 'admin-token');
  const token = configured || (await readTokenFile(file));
  if (!token) throw new NotAuthorisedError(`no admin token: set ADMIN_TOKEN, or run where the service keeps ${file}`);
  // An HTTP header cannot carry these, and the error fetch would raise could quote the value.
  if (!/^[\x20-\x7e]+$/.test(token)) throw new NotAuthorisedError(`the admin token ${configured ? '(ADMIN_TOKEN)' : `in ${file}`} holds characters an HTTP header cannot carry`);
  return token;
}

async function readTokenFile(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new NotAuthorisedError(`cannot read the admin token file ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}
