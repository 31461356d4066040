import { carriesCredentials } from '../url-credentials.js';

/**
 * Why a receiver URL cannot be used, or null when it can: http or https only, and no
 * credentials in it (they would show wherever the URL is shown; the signature is the
 * receiver's proof of origin).
 */
export function webhookUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http(s) URL';
  if (carriesCredentials(value)) return 'must not contain credentials (user:password@): receivers verify the signature instead';
  return null;
}

/** `whsec_` and the base64 of 24 to 64 bytes: the Standard Webhooks secret format. */
export function webhookSecretProblem(value: string): string | null {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(value);
  const bytes = match && match[1]!.length % 4 === 0 ? Buffer.from(match[1]!, 'base64').length : 0;
  if (bytes < 24 || bytes > 64) return 'must be "whsec_" followed by the base64 of 24 to 64 random bytes, e.g. whsec_$(openssl rand -base64 32)';
  return null;
}
