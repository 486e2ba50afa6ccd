import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The dashboard's port in the browser tests (APP_URL must be known before it starts). */
export const E2E_DASHBOARD_PORT = Number(process.env.E2E_DASHBOARD_PORT ?? 5180);
// One file per port, so several stacks (parallel sessions) can run side by side.
export const STACK_FILE = fileURLToPath(
  new URL(`./.stack-${E2E_DASHBOARD_PORT}.json`, import.meta.url),
);

/** What e2e/stack.ts started, for the specs. */
export type StackInfo = {
  appUrl: string;
  apiUrl: string;
  catcherUrl: string;
  databaseUrl: string;
  env: Record<string, string>;
};

export function stackInfo(): StackInfo {
  return JSON.parse(readFileSync(STACK_FILE, 'utf8')) as StackInfo;
}
