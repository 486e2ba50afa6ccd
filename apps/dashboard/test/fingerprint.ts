import type { Database } from '@anythingiot/db';
import { sql } from 'drizzle-orm';

const TABLES = [
  'facilities',
  'devices',
  'alerts',
  'alert_events',
  'api_keys',
  'audit_log',
  'memberships',
  'commands',
] as const;

/**
 * A digest of every row of the tables the dashboard's actions write: equal before and after
 * means a refused request changed nothing at all, not merely that row counts match.
 */
export async function fingerprint(db: Database): Promise<Record<string, string>> {
  const columns = TABLES.map(
    (t) =>
      `(select md5(coalesce(string_agg(r::text, '|' order by r::text), '')) from ${t} r) as ${t}`,
  );
  const { rows } = await db.execute<Record<string, string>>(
    sql.raw(`select ${columns.join(', ')}`),
  );
  return rows[0]!;
}
