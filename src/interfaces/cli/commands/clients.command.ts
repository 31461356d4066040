import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ClientChanges, ClientView } from '../admin-api-client.js';
import { UsageError } from '../cli-errors.js';
import { readClientToken, type ClientTokenSource } from '../client-token-input.js';
import { openSession } from '../cli-session.js';
import { formatTable } from '../output.js';

const RATE_HELP = 'its rate plan at the upstream in requests per minute (a whole number), or "default" for the service default';

/**
 * `--requests-per-minute`: a positive whole number, or `default` (the service default, sent as null).
 * Commander turns a parser's null into '', so `default` stays a word until `rateChange`. The API checks the range.
 */
function parseRequestsPerMinute(value: string): number | 'default' {
  if (value.trim().toLowerCase() === 'default') return 'default';
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError('it must be a whole number of 1 or more, or "default".');
  return Number(value);
}

function rateChange(value: number | 'default' | undefined): { requestsPerMinute?: number | null } {
  if (value === undefined) return {};
  return { requestsPerMinute: value === 'default' ? null : value };
}

const WEBHOOK_HELP = 'its own webhook receiver (http/https), sent the events about it in addition to WEBHOOK_URL; "none" to remove it';

/** `--webhook-url`: a URL (the API validates it), or `none` (sent as null). */
function webhookChange(value: string | undefined): { webhookUrl?: string | null } {
  if (value === undefined) return {};
  return { webhookUrl: value.trim().toLowerCase() === 'none' ? null : value };
}

const TOKEN_HELP = "the client's API token is read from stdin with --api-token-stdin, or from CLIENT_API_TOKEN with --api-token-env; never from an argument";

export function registerClientsCommands(program: Command): void {
  const clients = program.command('clients').description('the registered clients (customer accounts of the upstream helpdesk)');

  clients
    .command('list')
    .description('list the clients (tokens masked)')
    .action(async (_options, command: Command) => {
      const { api, output } = await openSession(command);
      output.result(await api.listClients(), ({ clients: list }) => (list.length ? clientsTable(list) : 'no clients'));
    });

  clients
    .command('show')
    .argument('<slug>')
    .description('show one client (token masked)')
    .action(async (slug: string, _options, command: Command) => {
      const { api, output } = await openSession(command);
      output.result(await api.getClient(slug), describeClient);
    });

  clients
    .command('add')
    .description(`register a client; ${TOKEN_HELP}`)
    .requiredOption('--slug <slug>', 'its identifier: 1–100 lowercase letters, digits, "-" or "_"')
    .requiredOption('--name <name>', 'its display name')
    .requiredOption('--api-base-url <url>', 'the base URL of its upstream helpdesk API')
    .option('--inactive', 'register it inactive (left out of "all" jobs)')
    .option('--requests-per-minute <n>', RATE_HELP, parseRequestsPerMinute)
    .option('--webhook-url <url>', WEBHOOK_HELP)
    .option('--api-token-stdin', "read the client's API token from the first line of stdin")
    .option('--api-token-env', "read the client's API token from the CLIENT_API_TOKEN variable")
    .addHelpText('after', `\nExample:\n  printf '%s\\n' "$TOKEN" | helpdesk-importer clients add --slug acme --name Acme --api-base-url https://acme.example/api/v1 --api-token-stdin`)
    .action(async (options: { slug: string; name: string; apiBaseUrl: string; inactive?: boolean; requestsPerMinute?: number | 'default'; webhookUrl?: string } & ClientTokenSource, command: Command) => {
      const apiToken = await readClientToken(options, process.env);
      if (!apiToken) throw new UsageError(`clients add needs the client's API token: pipe it with --api-token-stdin, or set CLIENT_API_TOKEN and give --api-token-env (${TOKEN_HELP})`);
      const { api, output } = await openSession(command);
      const client = await api.addClient({ slug: options.slug, name: options.name, apiBaseUrl: options.apiBaseUrl, apiToken,
        ...(options.inactive ? { active: false } : {}),
        ...rateChange(options.requestsPerMinute),
        ...webhookChange(options.webhookUrl),
      });
      output.result(client, (added) => `added client ${added.slug} (${added.active ? 'active' : 'inactive'}), API token ${added.apiToken}`);
    });

  clients
    .command('update')
    .argument('<slug>')
    .description(`change a client; its token changes only when a new one is given (${TOKEN_HELP})`)
    .option('--name <name>', 'a new display name')
    .option('--api-base-url <url>', 'a new upstream base URL')
    .addOption(new Option('--active', 'include it in jobs again').conflicts('inactive'))
    .addOption(new Option('--inactive', 'leave it out of jobs'))
    .option('--requests-per-minute <n>', `${RATE_HELP}; applies from its next request on`, parseRequestsPerMinute)
    .option('--webhook-url <url>', WEBHOOK_HELP)
    .option('--api-token-stdin', "read a new API token from the first line of stdin")
    .option('--api-token-env', 'read a new API token from the CLIENT_API_TOKEN variable')
    .action(async (slug: string, options: { name?: string; apiBaseUrl?: string; active?: boolean; inactive?: boolean; requestsPerMinute?: number | 'default'; webhookUrl?: string } & ClientTokenSource, command: Command) => {
      const apiToken = await readClientToken(options, process.env);
      const changes: ClientChanges = {
        ...(options.name !== undefined ? { name: options.name } : {}),
        ...(options.apiBaseUrl !== undefined ? { apiBaseUrl: options.apiBaseUrl } : {}),
        ...(options.active ? { active: true } : options.inactive ? { active: false } : {}),
        ...rateChange(options.requestsPerMinute),
        ...webhookChange(options.webhookUrl),
        ...(apiToken ? { apiToken } : {}),
      };
      if (Object.keys(changes).length === 0) throw new UsageError('nothing to change: give --name, --api-base-url, --active, --inactive, --requests-per-minute or --webhook-url, or a new token (--api-token-stdin or --api-token-env)');
      const { api, output } = await openSession(command);
      output.result(await api.updateClient(slug, changes), (client) => `updated client ${client.slug}${apiToken ? ' (new API token)' : ''}\n${describeClient(client)}`);
    });

  const ACTIVATIONS = [
    { name: 'enable', active: true, description: 'make a client active again: "all" jobs include it', done: 'enabled' },
    { name: 'disable', active: false, description: 'make a client inactive: "all" jobs leave it out (its data stays)', done: 'disabled' },
  ];
  for (const { name, active, description, done } of ACTIVATIONS) {
    clients
      .command(name)
      .argument('<slug>')
      .description(description)
      .action(async (slug: string, _options, command: Command) => {
        const { api, output } = await openSession(command);
        output.result(await api.updateClient(slug, { active }), (client) => `${done} client ${client.slug}`);
      });
  }
}

function clientsTable(list: readonly ClientView[]): string {
  return formatTable(
    [{ header: 'SLUG' }, { header: 'NAME' }, { header: 'ACTIVE' }, { header: 'API BASE URL' }, { header: 'TOKEN' }, { header: 'UPDATED' }],
    list.map((c) => [c.slug, c.name, c.active ? 'yes' : 'no', c.apiBaseUrl, c.apiToken, c.updatedAt]),
  );
}

function describeClient(client: ClientView): string {
  return [
    `slug          ${client.slug}`,
    `name          ${client.name}`,
    `active        ${client.active ? 'yes' : 'no'}`,
    `api base url  ${client.apiBaseUrl}`,
    `api token     ${client.apiToken}`,
    `rate          ${client.requestsPerMinute === null ? 'service default' : `${client.requestsPerMinute} requests/min`}`,
    `webhook url   ${client.webhookUrl ?? 'none'}`,
    `created       ${client.createdAt}`,
    `updated       ${client.updatedAt}`,
  ].join('\n');
}
