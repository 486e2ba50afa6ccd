import { inArray, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * Which of the tenant's facilities a repository may reach: `null` (or absent) for all of them,
 * otherwise only these — rows in other facilities, and rows in no facility, are as invisible
 * as another tenant's. Bound at construction like the tenant, so every WHERE carries it.
 */
export type FacilityScope = { facilityIds?: readonly string[] | null };

/** The WHERE term limiting `column` (a facility id) to the scope; undefined when unlimited. */
export function inFacilities(column: PgColumn, scope: FacilityScope): SQL | undefined {
  if (scope.facilityIds == null) return undefined;
  // An empty list becomes `false`: a member limited to no facility sees nothing.
  return inArray(column, [...scope.facilityIds]);
}
