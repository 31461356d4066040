import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerClientsCommands } from './commands/clients.command.js';
import { registerJobsCommands } from './commands/jobs.command.js';
import { registerTriggerCommands } from './commands/triggers.command.js';
import { registerWebhooksCommands } from './commands/webhooks.command.js';
import { EXIT_CODE_MEANINGS } from './exit-codes.js';

const VERSION: string = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version;

/** The whole command line: global options, the command groups, and the contract shown in --help. */
export function buildProgram(): Command {
  const program = new Command('helpdesk-importer')
    .description('Command-line client of a running helpdesk-importer service: manage clients, start and follow jobs through its admin API.')
    .version(VERSION)
    .option('--url <url>', 'the service (default: HELPDESK_IMPORTER_URL, else http://localhost:$PORT, PORT defaulting to 3000)')
    .option('--json', "print only JSON on stdout (the API's answer; with --wait, the finished run); no progress")
    // Before any command is added: subcommands inherit it, so every usage error reaches main's exit-code mapping.
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', helpFooter());
  registerClientsCommands(program);
  registerTriggerCommands(program);
  registerJobsCommands(program);
  registerWebhooksCommands(program);
  return program;
}

function helpFooter(): string {
  return [
    '',
    'Environment (also read from ./.env; variables already set win):',
    '  HELPDESK_IMPORTER_URL  the service URL (or --url)',
    '  ADMIN_TOKEN            the admin token; unset: the one the service generated, in ${DATA_DIR:-.data}/admin-token',
    '  CLIENT_API_TOKEN       a client API token for clients add/update --api-token-env (or pipe it with --api-token-stdin)',
    'Tokens are never taken as arguments and never printed.',
    '',
    'Exit codes:',
    ...EXIT_CODE_MEANINGS.map(([code, meaning]) => `  ${String(code).padEnd(4)} ${meaning}`),
    '',
    'Examples:',
    '  helpdesk-importer import acme --wait',
    '  helpdesk-importer sync-contacts --wait --json | jq \'.stats | map_values(.contacts)\'',
    '  helpdesk-importer jobs list --status failed --limit 5',
    '  helpdesk-importer webhooks list --status failed',
  ].join('\n');
}
