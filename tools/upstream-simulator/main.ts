/**
 * Runs the upstream simulator on its own: `npm run simulator`. Every knob is an environment
 * variable; each of SIM_TOKENS (comma-separated) gets its own seeded dataset.
 */
import { generateDataset } from './dataset.js';
import { UpstreamSimulator } from './simulator.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const simulator = new UpstreamSimulator({
  latencyMs: env('SIM_LATENCY_MS', 0),
  jitterMs: env('SIM_JITTER_MS', 0),
  requestsPerMinute: process.env.SIM_REQUESTS_PER_MINUTE ? env('SIM_REQUESTS_PER_MINUTE', 0) : undefined,
  faults: {
    serverError: env('SIM_FAULT_500', 0),
    rateLimited: env('SIM_FAULT_429', 0),
    truncated: env('SIM_FAULT_TRUNCATED', 0),
    hang: env('SIM_FAULT_HANG', 0),
  },
  mutations: { ticketUpdated: env('SIM_MUTATE_TICKETS', 0), contactDeleted: env('SIM_MUTATE_CONTACTS', 0), tagRemoved: env('SIM_MUTATE_TAGS', 0) },
});
const tokens = (process.env.SIM_TOKENS ?? 'demo-token').split(',');
tokens.forEach((token, i) =>
  simulator.addAccount(token, `account-${i}`, generateDataset(i + 1, { tickets: env('SIM_TICKETS', 200), messagesPerTicket: env('SIM_MESSAGES_PER_TICKET', 5), contacts: env('SIM_CONTACTS', 120) })),
);
const baseUrl = await simulator.listen(env('SIM_PORT', 4010));
process.stdout.write(`upstream simulator at ${baseUrl} for tokens: ${tokens.join(', ')}\n`);
process.on('SIGINT', () => void simulator.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void simulator.close().then(() => process.exit(0)));
