import { spawn, type ChildProcess } from 'node:child_process';

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

/** The node flags of `npm start` (package.json): a larger young generation halves GC time when importing. */
const START_FLAGS = ['--max-semi-space-size=32'];

/** Runs `src/main.ts` as `npm start` does, with only the given environment (tests, demo, benchmarks). */
export function startService(env: Record<string, string>, nodeArgs: string[] = []): ServiceProcess {
  const child = spawn(process.execPath, [...START_FLAGS, ...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const finished = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, output })),
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
