import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/*
 * The admin console's files, as the Vite build (console/, `npm run build`) wrote them to
 * dist/console: one page and its hashed assets. Read from disk at each request (the OS caches
 * them), so a rebuild is served at once and a missing build is told as such.
 */

// The same directory from src/ (tsx) and from dist/ (the build): four levels below the package root.
export const BUILT_CONSOLE_DIR = fileURLToPath(new URL('../../../../dist/console', import.meta.url));

/** The page names its assets by content hash: it is fetched again every time (half a kilobyte), so that a new build is picked up at once. */
export const CONSOLE_PAGE_CACHE_CONTROL = 'no-cache';
/** A hashed asset never changes under its name. */
export const CONSOLE_ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export const CONSOLE_ASSET_TYPES = {
  js: 'text/javascript',
  css: 'text/css',
} as const;

/** What the Vite build names its assets: `<name>-<hash>.<ext>`, nothing that could climb out of the folder. */
const ASSET_NAME = /^[A-Za-z0-9_-]+\.(js|css)$/;

/**
 * The console's policy: everything from this origin only, no inline script or style, no HTML
 * built from strings (Trusted Types with no policy: an `innerHTML` assignment throws), nothing
 * embedded elsewhere. No `upgrade-insecure-requests`, for the reason the docs page drops it.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join(';');

export interface ConsoleAsset {
  body: Buffer;
  mediaType: (typeof CONSOLE_ASSET_TYPES)[keyof typeof CONSOLE_ASSET_TYPES];
}

export class ConsoleFiles {
  constructor(private readonly directory: string = BUILT_CONSOLE_DIR) {}

  /** The page's HTML; null when the console has not been built. */
  async page(): Promise<string | null> {
    return (await readIfPresent(join(this.directory, 'index.html')))?.toString('utf8') ?? null;
  }

  /** One of the page's assets; null for a name the build did not write (or could not have written). */
  async asset(name: string): Promise<ConsoleAsset | null> {
    const match = ASSET_NAME.exec(name);
    if (!match) return null;
    const body = await readIfPresent(join(this.directory, 'assets', name));
    return body === null ? null : { body, mediaType: CONSOLE_ASSET_TYPES[match[1] as keyof typeof CONSOLE_ASSET_TYPES] };
  }
}

async function readIfPresent(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
