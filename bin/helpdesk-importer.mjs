#!/usr/bin/env node
// The CLI is TypeScript run through tsx (a production dependency), so it needs no build step.
// The project's tsconfig is named explicitly: tsx would otherwise look in the working directory.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/interfaces/cli/main.ts');
