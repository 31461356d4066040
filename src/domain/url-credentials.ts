/**
 * Whether a URL carries credentials (`user:password@`). Every URL this service is given — a
 * client's upstream, a webhook receiver, the CLI's service URL — must not: a URL is shown in
 * logs, answers and listings, and each has its own place for a secret. A text that is no URL
 * carries none (whether it is a URL at all is another check's to say).
 */
export function carriesCredentials(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { username, password } = new URL(value);
  return username !== '' || password !== '';
}
