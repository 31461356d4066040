import { defineConfig } from 'prisma/config';

// Only `prisma generate` runs here (the schema engine cannot be downloaded on air-gapped
// machines); migrations are applied by src/infrastructure/database/migrator.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/helpdesk_importer' },
});
