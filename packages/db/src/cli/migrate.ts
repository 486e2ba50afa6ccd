import { migrateDatabase } from '../migrate.js';

// `npm run db:migrate`: applies migrations to DATABASE_URL (e.g. a Neon branch).
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set. Example: DATABASE_URL=postgres://… npm run db:migrate');
  process.exit(2);
}
await migrateDatabase(url);
console.log('migrations applied');
