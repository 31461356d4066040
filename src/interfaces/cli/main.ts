import { CommanderError } from 'commander';
import { CliError } from './cli-errors.js';
import { loadDotEnv } from './connection-settings.js';
import { EXIT_CODES } from './exit-codes.js';
import { buildProgram } from './program.js';

/** Runs the command line and returns the exit code; every failure ends as one line on stderr. */
async function run(argv: string[]): Promise<number> {
  try {
    loadDotEnv();
    await buildProgram().parseAsync(argv);
    return EXIT_CODES.success;
  } catch (error) {
    return report(error);
  }
}

function report(error: unknown): number {
  // Commander has already printed its message (or the help).
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_CODES.success : EXIT_CODES.usage;
  if (error instanceof CliError) {
    process.stderr.write(`${error.isError ? 'error: ' : ''}${oneLine(error.message)}\n`);
    return error.exitCode;
  }
  process.stderr.write(`error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
  return EXIT_CODES.jobFailed;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

process.exitCode = await run(process.argv);
