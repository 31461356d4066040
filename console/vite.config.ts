import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// Built into dist/console and served by the service at /console (src/interfaces/http/console/).
export default defineConfig({
  root,
  base: '/console/',
  // Nothing is copied from a public folder: every file the page loads is one the build made.
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // A module preload polyfill would be an inline script; the CSP forbids those, and every supported browser preloads modules itself.
    modulePreload: { polyfill: false },
    // Every asset is a file: inlining small ones as data: URLs would need looser CSP rules.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
});
