import type { Command } from 'commander';
import { AdminApiClient } from './admin-api-client.js';
import { adminToken, serviceUrl } from './connection-settings.js';
import { Output } from './output.js';

interface GlobalOptions {
  url?: string;
  json?: boolean;
}

/** What every command works with: the admin API of the service, and where its result goes. */
export interface CliSession {
  api: AdminApiClient;
  output: Output;
}

/** Opened inside an action, so that `--help` and usage errors need no token. */
export async function openSession(command: Command): Promise<CliSession> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const output = new Output(options.json === true);
  const api = new AdminApiClient(serviceUrl(options.url, process.env), await adminToken(process.env));
  return { api, output };
}
