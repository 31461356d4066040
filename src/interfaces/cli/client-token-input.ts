import { InterruptedError, UsageError } from './cli-errors.js';

export interface ClientTokenSource {
  /** `--api-token-stdin` */
  apiTokenStdin?: boolean;
  /** `--api-token-env`: only when asked, so a variable left exported from an earlier command never changes another client's token. */
  apiTokenEnv?: boolean;
}

/**
 * A client's API token, never taken as an argument (it would leak into shell history and `ps`):
 * the first line of stdin with `--api-token-stdin` (typed without echo on a terminal), or the
 * CLIENT_API_TOKEN variable with `--api-token-env`. Undefined when neither flag is given.
 */
export async function readClientToken(source: ClientTokenSource, env: Record<string, string | undefined>): Promise<string | undefined> {
  if (source.apiTokenStdin && source.apiTokenEnv) throw new UsageError('give either --api-token-stdin or --api-token-env, not both');
  if (source.apiTokenEnv) {
    const token = env.CLIENT_API_TOKEN?.trim();
    if (!token) throw new UsageError('--api-token-env: CLIENT_API_TOKEN is not set');
    return token;
  }
  if (!source.apiTokenStdin) return undefined;
  const line = (process.stdin.isTTY ? await promptWithoutEcho('Client API token: ') : await readFirstLine(process.stdin)).trim();
  if (!line) throw new UsageError('--api-token-stdin: stdin held no token (expected it on the first line)');
  return line;
}

function readFirstLine(stream: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = () => {
      stream.off('data', onData).off('end', finish).off('error', reject);
      // The writer may keep the pipe open: let go of it so the process can exit.
      stream.destroy();
      resolve(text.split(/\r?\n/)[0] ?? '');
    };
    const onData = (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) finish();
    };
    stream.setEncoding('utf8');
    stream.on('data', onData).on('end', finish).on('error', reject);
  });
}

function promptWithoutEcho(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n') {
          finish();
          return resolve(typed);
        }
        if (character === '\u0003') {
          finish();
          return reject(new InterruptedError('cancelled'));
        }
        typed = character === '\u007f' || character === '\b' ? typed.slice(0, -1) : typed + character;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
