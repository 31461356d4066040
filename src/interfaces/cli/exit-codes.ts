/** The CLI's exit codes. Scripts branch on them, so they are a contract, listed in `--help`. */
export const EXIT_CODES = {
  success: 0,
  jobFailed: 1,
  usage: 2,
  notAuthorised: 3,
  notFound: 4,
  serviceUnavailable: 5,
  drift: 6,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export const EXIT_CODE_MEANINGS: readonly (readonly [ExitCode, string])[] = [
  [EXIT_CODES.success, 'success'],
  [EXIT_CODES.jobFailed, 'the job ended failed or cancelled (--wait); also an unexpected error in the CLI'],
  [EXIT_CODES.usage, 'usage error or invalid input (bad arguments; the API answered 400, 409, 413 or 415)'],
  [EXIT_CODES.notAuthorised, 'not authorised: no or wrong admin token (401/403), or throttled after wrong tokens (429)'],
  [EXIT_CODES.notFound, 'not found (404): no such job or client'],
  [EXIT_CODES.serviceUnavailable, 'service unreachable, timed out or failing (network error, 5xx)'],
  [EXIT_CODES.drift, 'reconcile --wait: a client’s data drifted from the upstream, and no --repair made it complete'],
  [EXIT_CODES.interrupted, 'Ctrl-C while waiting (--wait): the job keeps running on the service'],
];
