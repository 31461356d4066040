import { spawn } from 'node:child_process';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Runs tools/bench/bare-pipeline.ts in its own process, as the service runs in its own; `tokens` side by side. */
export function barePipeline(baseUrl: string, tokens: string[], databaseUrl: string, concurrency: string): Promise<{ rows: number; ms: number; requests: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/bench/bare-pipeline.ts', baseUrl, tokens.join(','), databaseUrl, concurrency], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`bare pipeline exited ${code}: ${err}`))));
  });
}

