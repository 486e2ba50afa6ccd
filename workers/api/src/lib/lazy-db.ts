import type { Database, DbHandle } from '@anythingiot/db';
import type { AppDeps } from '../deps.js';

/**
 * A database for one unit of work outside a request (a room frame, a connection's admission):
 * opened on first use, closed by `close()` — what the services middleware does per request.
 */
export function lazyDb(deps: Pick<AppDeps, 'openDb'>) {
  let handle: DbHandle | undefined;
  return {
    db: (): Database => {
      handle ??= deps.openDb();
      return handle.db;
    },
    close: async () => {
      await handle?.close().catch(() => {});
    },
  };
}
