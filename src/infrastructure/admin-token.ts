import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface AdminTokenSource {
  token: string;
  /** Where a generated token is kept; null when it came from ADMIN_TOKEN. */
  generatedFile: string | null;
  /** True on the start that generated it: the only time it is shown. */
  fresh: boolean;
}

/**
 * The admin token: ADMIN_TOKEN when set; otherwise (never in production, see config) one
 * generated on the first start and kept in `<dataDir>/admin-token` (mode 0600), so that
 * `npm start` works with no setup and the token survives restarts.
 */
export async function resolveAdminToken(configured: string | undefined, dataDir: string): Promise<AdminTokenSource> {
  if (configured) return { token: configured, generatedFile: null, fresh: false };
  const file = join(dataDir, 'admin-token');
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored) return { token: stored, generatedFile: file, fresh: false };
  } catch {
    // Not generated yet.
  }
  const token = randomBytes(32).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return { token, generatedFile: file, fresh: true };
}
