import { NeonDbError, neon, neonConfig } from '@neondatabase/serverless';
import { describe, expect, it } from 'vitest';
import { freePort } from '../postgres/index.js';
import { startNeonProxy } from './index.js';

// The proxy's `POST /sql` when its Postgres is gone, read by the real `neon()` client. (The
// happy paths run against the shared stack in packages/db/src/sql-over-http.test.ts.)
describe('Neon SQL over HTTP', () => {
  it('Postgres unreachable: an HTTP 500 without SQLSTATE, as Neon answers', async () => {
    const deadPort = await freePort();
    const proxy = await startNeonProxy({ port: 0, postgresPort: deadPort });
    const saved = neonConfig.fetchEndpoint;
    try {
      neonConfig.fetchEndpoint = proxy.sqlEndpoint;
      const url = `postgres://postgres:pw@127.0.0.1:${deadPort}/anythingiot`;
      const err = await neon(url)
        .query('select 1')
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(NeonDbError);
      expect((err as NeonDbError).message).toMatch(/HTTP status 500.*ECONNREFUSED/);
      expect((err as NeonDbError).code).toBeFalsy();
    } finally {
      neonConfig.fetchEndpoint = saved;
      await proxy.close();
    }
  });
});
