import {
  type AccountsContext,
  type Authentication,
  accountsDeps,
  authenticate,
} from '@anythingiot/accounts';
import { type Keyring, type LivePublisher, parseKeyring } from '@anythingiot/core';
import {
  createDb,
  type Database,
  type DbHandle,
  dbConfigFromEnv,
  deviceRepo,
} from '@anythingiot/db';
import {
  type DeviceRoomNamespace,
  deviceDownlink,
  type RoomNamespace,
  roomPublisher,
} from '@anythingiot/rooms/publisher';
import {
  type CommandNotifier,
  commandNotifier,
  type DeviceDownlink,
  qstashJobs,
} from '@anythingiot/services';
import type { AppLoadContext } from '@remix-run/cloudflare';
import { Client as QStashClient } from '@upstash/qstash';
import { type DashboardEnv, dashboardEnv } from './env.server';

/** Per request: configuration, the lazily opened database, and who is calling. */
export type AppContext = {
  env: DashboardEnv;
  request: Request;
  requestId: string;
  /** The request's database, opened on first use (Workers forbid sharing a socket). */
  db(): Database;
  accounts(): AccountsContext;
  /** The session behind the request's cookie, resolved once per request. */
  auth(): Promise<Authentication>;
  /** The auth result if `auth()` ran (the entry adds its refreshed cookie to the response). */
  authenticated(): Promise<Authentication> | undefined;
  keyring(): Promise<Keyring>;
  /**
   * The tenant rooms (the api Worker's `TenantRoom`, bound here through `script_name`), so a
   * change made on this dashboard reaches every other open one; absent where not bound.
   */
  live: LivePublisher | undefined;
  /**
   * The device rooms (the api Worker's `DeviceRoom`, bound through `script_name`): commands
   * pushed, and a rotation or revocation made here closes the old secret's socket at once.
   */
  downlink: DeviceDownlink | undefined;
  /**
   * What follows a command sent from here, as when it is sent through the api: its expiry
   * scheduled with QStash (the api's job runs it), a push to the device's room (the api
   * Worker's `DeviceRoom`, bound through `script_name`) and its status on every dashboard.
   */
  commands(): CommandNotifier;
  close(): Promise<void>;
};

const log = (event: Record<string, unknown>) => console.log(JSON.stringify(event));

let keyring: { source: string; keys: Promise<Keyring> } | undefined;

/** The request's AppContext, created on first use and kept on the load context. */
export function appContext(context: AppLoadContext, request: Request): AppContext {
  context.app ??= createAppContext(context, request);
  return context.app;
}

function createAppContext(context: AppLoadContext, request: Request): AppContext {
  const env = dashboardEnv(context.cloudflare.env);
  const requestId = request.headers.get('cf-ray') ?? crypto.randomUUID();
  let handle: DbHandle | undefined;
  let accounts: AccountsContext | undefined;
  let auth: Promise<Authentication> | undefined;
  let commands: CommandNotifier | undefined;
  const bindings = context.cloudflare.env;
  const live = bindings.TENANT ? roomPublisher(bindings.TENANT as RoomNamespace, log) : undefined;
  const downlink = bindings.DEVICE
    ? deviceDownlink(bindings.DEVICE as DeviceRoomNamespace)
    : undefined;
  const db = () => {
    handle ??= createDb(dbConfigFromEnv(env));
    return handle.db;
  };
  const accountsCtx = () => {
    accounts ??= {
      deps: accountsDeps(env, db()),
      requestId,
      ip: clientIp(request),
      waitUntil: (work) => context.cloudflare.ctx.waitUntil(work),
    };
    return accounts;
  };
  return {
    env,
    request,
    requestId,
    db,
    accounts: accountsCtx,
    auth: () => {
      auth ??= authenticate({
        ctx: accountsCtx(),
        input: { cookieHeader: request.headers.get('cookie') },
      });
      return auth;
    },
    authenticated: () => auth,
    keyring: () => {
      if (keyring?.source !== env.SECRETS_KEYRING) {
        keyring = { source: env.SECRETS_KEYRING, keys: parseKeyring(env.SECRETS_KEYRING) };
      }
      return keyring.keys;
    },
    live,
    downlink,
    commands: () => {
      commands ??= commandNotifier({
        // The api's expiry job, queued to the api's public URL.
        jobs: qstashJobs(
          new QStashClient({
            baseUrl: env.QSTASH_URL,
            token: env.QSTASH_TOKEN,
            retry: { retries: 2, backoff: (n) => 100 * 2 ** n },
          }),
          env.API_PUBLIC_URL,
        ),
        ...(live ? { live } : {}),
        ...(downlink ? { downlink } : {}),
        facilitiesOf: (tenantId, ids) => deviceRepo(db(), tenantId).facilityIdsOf(ids),
        now: () => Date.now(),
        log,
      });
      return commands;
    },
    close: async () => {
      await handle?.close();
    },
  };
}

/** Cloudflare names the client in `CF-Connecting-IP`; locally there is none. */
function clientIp(request: Request): string {
  return request.headers.get('cf-connecting-ip') ?? '127.0.0.1';
}
