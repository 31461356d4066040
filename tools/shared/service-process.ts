import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface ServiceProcess {
  child: ChildProcess;
  /** Resolves with the HTTP port once the service listens (not for ROLE=worker). */
  listening: Promise<number>;
  /** Resolves once the job workers run (not for ROLE=api). */
  working: Promise<void>;
  finished: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
  output(): string;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
}

/** The node flags of `npm start` (package.json `config.node_flags`): GC sized for the import's working set. */
const START_FLAGS: string[] = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).config.node_flags.split(' ');

export interface ServiceOptions {
  /** Run the compiled build (`npm run build`, as `npm start` does) instead of the TypeScript sources. */
  compiled?: boolean;
  /** Extra node flags (profiling). */
  nodeArgs?: string[];
}

/** Runs `src/main.ts` as `npm start` does, with only the given environment (tests, demo, benchmarks). */
export function startService(env: Record<string, string>, options: ServiceOptions = {}): ServiceProcess {
  const entry = options.compiled ? ['dist/main.js'] : ['--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, [...START_FLAGS, ...(options.nodeArgs ?? []), ...entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const finished = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    // 'close', not 'exit': the output streams are drained by then.
    child.on('close', (code, signal) => resolve({ code, signal, output })),
  );
  const waitForLog = <T>(pattern: RegExp, map: (match: RegExpExecArray) => T) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`service did not log ${pattern}:\n${output}`)), 20_000);
      const check = () => {
        const match = pattern.exec(output);
        if (match) {
          clearTimeout(timer);
          child.stdout!.off('data', check);
          resolve(map(match));
        }
      };
      child.stdout!.on('data', check);
      void finished.then(() => {
        clearTimeout(timer);
        reject(new Error(`service exited:\n${output}`));
      });
    });
  const listening = waitForLog(/"port":(\d+)[^\n]*"msg":"helpdesk-importer listening"/, (m) => Number(m[1]));
  const working = waitForLog(/"msg":"job workers started"/, () => undefined);
  listening.catch(() => {});
  working.catch(() => {});
  return {
    child,
    listening,
    working,
    finished,
    output: () => output,
    kill: async () => {
      child.kill('SIGKILL');
      await finished;
    },
  };
}
