import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../bin/helpdesk-importer.mjs', import.meta.url).pathname;

/** An empty working directory: no `.env` and no `.data/admin-token` of the developer's own leaks in. */
const EMPTY_DIR = mkdtempSync(join(tmpdir(), 'helpdesk-importer-cli-'));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The whole environment besides PATH: nothing is inherited from the test process. */
  env?: Record<string, string>;
  /** Written to stdin, which is then closed; stdin is closed at once when absent. */
  stdin?: string;
  cwd?: string;
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  finished: Promise<CliResult>;
}

/** Starts `node bin/helpdesk-importer.mjs <args>` as a user would, with pipes (not a terminal) for its streams. */
export function startCli(args: string[], { env = {}, stdin, cwd = EMPTY_DIR }: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  child.stdin!.end(stdin);
  const finished = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, stdout: () => stdout, stderr: () => stderr, finished };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).finished;
}
