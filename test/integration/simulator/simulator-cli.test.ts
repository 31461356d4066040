import { spawn } from 'node:child_process';
import { expect } from 'chai';

const ROOT = new URL('../../../', import.meta.url).pathname;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run simulator -- <args>` as npm does (tsx), with only the given environment. */
function simulator(args: string[], env: Record<string, string> = {}, onStdout?: (text: string, stop: () => void) => void): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/upstream-simulator/main.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      onStdout?.(stdout, () => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('Upstream simulator command line (npm run simulator)', () => {
  it('when run with --help, then it lists every option with its variable and default, and exits 0 without serving', async () => {
    const { code, stdout } = await simulator(['--help'], { SIM_PORT: '0' });

    expect(code).to.equal(0);
    expect(stdout).to.match(/^Usage: npm run simulator -- \[options\]/);
    expect(stdout).not.to.include('upstream simulator at');
    const knobs: [string, string, string][] = [
      ['--port', 'SIM_PORT', '4010'],
      ['--tokens', 'SIM_TOKENS', 'demo-token'],
      ['--tickets', 'SIM_TICKETS', '200'],
      ['--messages-per-ticket', 'SIM_MESSAGES_PER_TICKET', '5'],
      ['--contacts', 'SIM_CONTACTS', '120'],
      ['--latency-ms', 'SIM_LATENCY_MS', '0'],
      ['--jitter-ms', 'SIM_JITTER_MS', '0'],
      ['--requests-per-minute', 'SIM_REQUESTS_PER_MINUTE', 'off'],
      ['--fault-500', 'SIM_FAULT_500', '0'],
      ['--fault-429', 'SIM_FAULT_429', '0'],
      ['--fault-truncated', 'SIM_FAULT_TRUNCATED', '0'],
      ['--fault-hang', 'SIM_FAULT_HANG', '0'],
      ['--mutate-tickets', 'SIM_MUTATE_TICKETS', '0'],
      ['--mutate-contacts', 'SIM_MUTATE_CONTACTS', '0'],
      ['--mutate-tags', 'SIM_MUTATE_TAGS', '0'],
    ];
    for (const [flag, variable, fallback] of knobs) expect(stdout).to.match(new RegExp(`^${flag} <\\w+>\\s+${variable}\\s+${fallback}\\s+\\S`, 'm'));
    expect(stdout.split('\n').filter((line) => line.startsWith('--'))).to.have.length(knobs.length);
  });

  it('when given an unknown flag, a positional argument or a bad number, then it says which and exits 2', async () => {
    const unknown = await simulator(['--latency', '200']);
    const positional = await simulator(['extra']);
    const badNumber = await simulator(['--latency-ms', 'slow']);

    expect(unknown).to.deep.include({ code: 2, stdout: '' });
    expect(unknown.stderr).to.include("Unknown option '--latency'").and.to.include('--help');
    expect(positional.code).to.equal(2);
    expect(positional.stderr).to.include("Unexpected argument 'extra'");
    expect(badNumber.code).to.equal(2);
    expect(badNumber.stderr).to.include('--latency-ms (SIM_LATENCY_MS) must be a non-negative number, got "slow"');
  });

  it('when flags are given, then they override the variables and shape what it serves', async () => {
    let listed: { status: number; total: number; perTicket: number } | undefined;
    const exit = await simulator(['--port', '0', '--tokens', 'cli-a,cli-b', '--tickets', '7', '--messages-per-ticket=2'], { SIM_TICKETS: '50' }, (text, stop) => {
      const url = /upstream simulator at (\S+) for tokens: cli-a, cli-b\n/.exec(text)?.[1];
      if (!url || listed) return;
      listed = { status: 0, total: 0, perTicket: 0 };
      void (async () => {
        const headers = { authorization: 'Bearer cli-b' };
        const tickets = await fetch(`${url}/ticket?limit=100`, { headers });
        const body = (await tickets.json()) as { data: { uuid: string }[]; meta: { total: number } };
        const messages = (await (await fetch(`${url}/ticket/${body.data[0]!.uuid}/messages`, { headers })).json()) as { data: unknown[] };
        listed = { status: tickets.status, total: body.meta.total, perTicket: messages.data.length };
        stop();
      })();
    });

    expect(exit.code).to.equal(0);
    expect(listed).to.deep.equal({ status: 200, total: 7, perTicket: 2 });
  });
});
