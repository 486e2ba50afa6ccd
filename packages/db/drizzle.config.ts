import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL into migrations/; those files are never edited once landed.
export default defineConfig({
  dialect: 'postgresql',
  schema: './packages/db/src/schema/index.ts',
  out: './migrations',
  casing: 'snake_case',
  strict: true,
});
