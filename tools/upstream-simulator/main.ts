/**
 * Runs the upstream simulator on its own: `npm run simulator [-- --latency-ms 200 …]`. Every knob
 * is a flag and an environment variable (the flag wins); `--help` lists them with their defaults.
 * Each of the tokens (comma-separated) gets its own seeded dataset.
 */
import { parseArgs } from 'node:util';
import { generateDataset } from './dataset.js';
import { UpstreamSimulator } from './simulator.js';

interface Knob {
  flag: string;
  env: string;
  /** Undefined: off unless given. */
  fallback: number | string | undefined;
  help: string;
}

const KNOBS: Knob[] = [
  { flag: 'port', env: 'SIM_PORT', fallback: 4010, help: 'TCP port on 127.0.0.1 (0 = any free port)' },
  { flag: 'tokens', env: 'SIM_TOKENS', fallback: 'demo-token', help: 'comma-separated API tokens, one seeded account each' },
  { flag: 'tickets', env: 'SIM_TICKETS', fallback: 200, help: 'tickets per account' },
  { flag: 'messages-per-ticket', env: 'SIM_MESSAGES_PER_TICKET', fallback: 5, help: 'messages per ticket' },
  { flag: 'contacts', env: 'SIM_CONTACTS', fallback: 120, help: 'contacts per account' },
  { flag: 'latency-ms', env: 'SIM_LATENCY_MS', fallback: 0, help: 'added to every answer' },
  { flag: 'jitter-ms', env: 'SIM_JITTER_MS', fallback: 0, help: 'latency varies uniformly by ± this much' },
  { flag: 'requests-per-minute', env: 'SIM_REQUESTS_PER_MINUTE', fallback: undefined, help: 'per-token sliding 60 s limit, over it 429 + Retry-After (default: no limit)' },
  { flag: 'fault-500', env: 'SIM_FAULT_500', fallback: 0, help: 'probability per request of a 500' },
  { flag: 'fault-429', env: 'SIM_FAULT_429', fallback: 0, help: 'probability per request of a spurious 429 (Retry-After: 1)' },
  { flag: 'fault-truncated', env: 'SIM_FAULT_TRUNCATED', fallback: 0, help: 'probability per request of a 200 with half a body' },
  { flag: 'fault-hang', env: 'SIM_FAULT_HANG', fallback: 0, help: 'probability per request of never answering' },
  { flag: 'mutate-tickets', env: 'SIM_MUTATE_TICKETS', fallback: 0, help: 'probability per ticket listing that a ticket is updated' },
  { flag: 'mutate-contacts', env: 'SIM_MUTATE_CONTACTS', fallback: 0, help: 'probability per contact listing that a contact is deleted' },
  { flag: 'mutate-tags', env: 'SIM_MUTATE_TAGS', fallback: 0, help: 'probability per contact listing that a tag is removed from a contact' },
];

/** Usage errors exit 2, like the service's CLI. */
function usageError(message: string): never {
  process.stderr.write(`error: ${message}\nRun with --help to see the options.\n`);
  process.exit(2);
}

function helpText(): string {
  const rows = KNOBS.map((k) => [`--${k.flag} <${typeof k.fallback === 'string' ? 'text' : 'n'}>`, k.env, k.fallback === undefined ? 'off' : String(k.fallback), k.help]);
  const width = (i: number) => Math.max(...rows.map((r) => r[i]!.length));
  return [
    'Usage: npm run simulator -- [options]',
    '',
    'A stand-in for the upstream helpdesk API (shared/upstream-api.md). Each option is also an',
    'environment variable; the flag wins.',
    '',
    `${'option'.padEnd(width(0))}  ${'variable'.padEnd(width(1))}  ${'default'.padEnd(width(2))}  meaning`,
    ...rows.map((r) => `${r[0]!.padEnd(width(0))}  ${r[1]!.padEnd(width(1))}  ${r[2]!.padEnd(width(2))}  ${r[3]}`),
    `${'-h, --help'.padEnd(width(0))}  ${''.padEnd(width(1))}  ${''.padEnd(width(2))}  print this and exit`,
    '',
  ].join('\n');
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2),
    options: { help: { type: 'boolean', short: 'h' }, ...Object.fromEntries(KNOBS.map((k) => [k.flag, { type: 'string' as const }])) },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  usageError((error as Error).message);
}
if (values.help) {
  process.stdout.write(helpText());
  process.exit(0);
}

/** The flag, else the environment variable, else the default; numbers are checked. */
function knob(flag: string): string | undefined;
function knob(flag: string, numeric: true): number | undefined;
function knob(flag: string, numeric = false): string | number | undefined {
  const k = KNOBS.find((x) => x.flag === flag)!;
  const given = (values[flag] as string | undefined) ?? process.env[k.env];
  const raw = given === undefined || given === '' ? k.fallback : given;
  if (raw === undefined || !numeric) return raw;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) usageError(`--${flag} (${k.env}) must be a non-negative number, got "${raw}"`);
  return value;
}
const num = (flag: string) => knob(flag, true) ?? 0;

const simulator = new UpstreamSimulator({
  latencyMs: num('latency-ms'),
  jitterMs: num('jitter-ms'),
  requestsPerMinute: knob('requests-per-minute', true),
  faults: { serverError: num('fault-500'), rateLimited: num('fault-429'), truncated: num('fault-truncated'), hang: num('fault-hang') },
  mutations: { ticketUpdated: num('mutate-tickets'), contactDeleted: num('mutate-contacts'), tagRemoved: num('mutate-tags') },
});
const tokens = knob('tokens')!.split(',').filter(Boolean);
if (!tokens.length) usageError('--tokens (SIM_TOKENS) needs at least one token');
tokens.forEach((token, i) =>
  simulator.addAccount(token, `account-${i}`, generateDataset(i + 1, { tickets: num('tickets'), messagesPerTicket: num('messages-per-ticket'), contacts: num('contacts') })),
);
const baseUrl = await simulator.listen(num('port'));
process.stdout.write(`upstream simulator at ${baseUrl} for tokens: ${tokens.join(', ')}\n`);
process.on('SIGINT', () => void simulator.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void simulator.close().then(() => process.exit(0)));
