// A throwaway Worker for the workerd smoke test: the accounts flows as the dashboard will run
// them, inside workerd with nodejs_compat, against the devstack.
import { createDb, DbEnvSchema, dbConfigFromEnv } from '@anythingiot/db';
import { AccountsEnvSchema, accountsDeps, authenticate, login, signUp } from '../../src/index.js';

export default {
  async fetch(request: Request, env: Record<string, string>): Promise<Response> {
    const { db, close } = createDb(dbConfigFromEnv(DbEnvSchema.parse(env)));
    try {
      const deps = accountsDeps(AccountsEnvSchema.parse(env), db);
      const ctx = { deps, requestId: null, ip: '10.255.0.1' };
      const input = (await request.json()) as { email: string; password: string };
      await signUp({
        ctx,
        input: {
          ...input,
          companyName: 'Workerd Foods',
          industry: 'food',
          timeZone: 'Europe/Vienna',
          temperatureUnit: 'C',
        },
      });
      const session = await login({ ctx, input });
      const auth = await authenticate({
        ctx,
        input: { cookieHeader: session.session.cookie.split(';')[0] ?? null },
      });
      return Response.json({
        userId: session.userId,
        role: auth.principal?.role ?? null,
      });
    } catch (err) {
      return Response.json(
        { error: err instanceof Error ? err.stack : String(err) },
        { status: 500 },
      );
    } finally {
      await close();
    }
  },
};
