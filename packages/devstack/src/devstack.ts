import { randomBytes } from 'node:crypto';
import { type RunningCatcher, startCatcher } from './catcher/index.js';
import { type RunningNeonProxy, startNeonProxy } from './neon-proxy/index.js';
import { PortInUseError } from './net/listen.js';
import { freePort, type RunningPostgres, startPostgres } from './postgres/index.js';
import { type RunningQStash, startQStashEmulator } from './qstash/index.js';
import { type RunningRedis, startRedisEmulator } from './redis/index.js';

/** Ports of the local cloud; 0 picks a free one (tests). Defaults are in the README. */
export type DevstackPorts = {
  postgres: number;
  neonProxy: number;
  redis: number;
  qstash: number;
  catcher: number;
};

/**
 * Defaults sit below Linux's ephemeral range (32768–60999): a port in that range can be held by
 * any outgoing connection on a busy machine, and a default must not fail by chance. A taken
 * port is not retried elsewhere: clients keep the address, so it fails with a sentence instead.
 */
export const DEFAULT_PORTS: DevstackPorts = {
  postgres: 15432,
  neonProxy: 15433,
  redis: 8079,
  qstash: 8080,
  catcher: 8025,
};

/** The variable that sets each port under `npm run dev` (named in a taken port's message). */
export const PORT_ENV = {
  postgres: 'DEVSTACK_POSTGRES_PORT',
  neonProxy: 'DEVSTACK_NEON_PROXY_PORT',
  redis: 'DEVSTACK_REDIS_PORT',
  qstash: 'DEVSTACK_QSTASH_PORT',
  catcher: 'DEVSTACK_CATCHER_PORT',
  api: 'DEVSTACK_API_PORT',
  dashboard: 'DEVSTACK_DASHBOARD_PORT',
} as const;

export type DevstackOptions = {
  /** Postgres cluster directory. */
  dataDir: string;
  /** Keep data across restarts (dev) or throw it away (tests). */
  persistent: boolean;
  ports?: Partial<DevstackPorts>;
  /** Application database name. */
  database?: string;
  /** Fixed secrets make `npm run dev` restarts keep working clients; tests use random ones. */
  secrets?: Partial<DevstackSecrets>;
  /** Trade durability for speed (tests). */
  fast?: boolean;
  /**
   * Where the api Worker answers, so jobs published to QStash come back to it (API_PUBLIC_URL).
   * Defaults to `npm run dev`'s Worker; tests serving the app elsewhere override API_PUBLIC_URL.
   */
  apiUrl?: string;
  log?: (line: string) => void;
};

export type DevstackSecrets = {
  postgresPassword: string;
  redisToken: string;
  qstashToken: string;
  qstashCurrentSigningKey: string;
  qstashNextSigningKey: string;
  resendApiKey: string;
  smsToken: string;
  secretsKeyring: string;
  /** Signs the dashboards' room tokens (api and dashboard share it). */
  realtimeTokenSecret: string;
};

export type Devstack = {
  postgres: RunningPostgres;
  neonProxy: RunningNeonProxy;
  redis: RunningRedis;
  qstash: RunningQStash;
  catcher: RunningCatcher;
  database: string;
  secrets: DevstackSecrets;
  /** The configuration the api Worker needs to use this stack: the same names as production. */
  env: Record<string, string>;
  stop(): Promise<void>;
};

/** Where `npm run dev` runs the api Worker (wrangler dev) unless DEVSTACK_API_PORT says else. */
export const DEFAULT_API_URL = 'http://127.0.0.1:8787';

/** Where the dashboard runs under `npm run dev`; alert notifications link there. */
export const DEFAULT_APP_URL = 'http://127.0.0.1:5173';

/** Any account id works with the catcher's SMS API; the token is what it checks. */
const DEVSTACK_SMS_ACCOUNT_SID = 'ACdevstack';

/** The database where emulators keep their own state (QStash's pending messages). */
const EMULATOR_DATABASE = 'devstack';

/** Random secrets for a throwaway stack. */
export function randomSecrets(): DevstackSecrets {
  const r = (prefix: string) => `${prefix}${randomBytes(18).toString('base64url')}`;
  return {
    postgresPassword: r(''),
    redisToken: r('redis_'),
    qstashToken: r('qstash_'),
    qstashCurrentSigningKey: r('sig_'),
    qstashNextSigningKey: r('sig_'),
    resendApiKey: r('re_'),
    smsToken: r('sms_'),
    secretsKeyring: `1:${randomBytes(32).toString('base64')}`,
    // The api's env schema wants at least 32 characters (r() gives 28).
    realtimeTokenSecret: `rts_${randomBytes(32).toString('base64url')}`,
  };
}

/**
 * Starts the whole local cloud and returns where everything is. On any failure, what was
 * already started is stopped again, so a failed start never leaves processes behind.
 */
export async function startDevstack(options: DevstackOptions): Promise<Devstack> {
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const secrets = { ...randomSecrets(), ...options.secrets };
  const database = options.database ?? 'anythingiot';
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const service of started.reverse()) await service.stop().catch(() => {});
  };

  try {
    const postgres = await named(
      'postgres',
      startPostgres({
        dataDir: options.dataDir,
        port: ports.postgres || (await freePort()),
        password: secrets.postgresPassword,
        persistent: options.persistent,
        fast: options.fast ?? false,
        onLog: options.log,
      }),
    );
    started.push(postgres);
    await postgres.ensureDatabase(database);
    await postgres.ensureDatabase(EMULATOR_DATABASE);

    const neonProxy = await named(
      'neonProxy',
      startNeonProxy({ port: ports.neonProxy, postgresPort: postgres.port }),
    );
    started.push({ stop: () => neonProxy.close() });

    // The emulators are independent of each other: start them together.
    const track = <T extends { close(): Promise<void> }>(service: T) => {
      started.push({ stop: () => service.close() });
      return service;
    };
    const redisStart = named(
      'redis',
      startRedisEmulator({ port: ports.redis, token: secrets.redisToken }),
    ).then(track);
    const qstashStart = named(
      'qstash',
      startQStashEmulator({
        port: ports.qstash,
        token: secrets.qstashToken,
        currentSigningKey: secrets.qstashCurrentSigningKey,
        nextSigningKey: secrets.qstashNextSigningKey,
        databaseUrl: postgres.url(EMULATOR_DATABASE),
      }),
    ).then(track);
    const catcherStart = named(
      'catcher',
      startCatcher({
        port: ports.catcher,
        resendApiKey: secrets.resendApiKey,
        smsToken: secrets.smsToken,
      }),
    ).then(track);
    // Let every start settle first, so on a failure each service that did start is tracked
    // (and stopped below); then take the results, or the first error.
    await Promise.allSettled([redisStart, qstashStart, catcherStart]);
    const [redis, qstash, catcher] = await Promise.all([redisStart, qstashStart, catcherStart]);

    const env = workerEnv({
      ...{ postgres, neonProxy, redis, qstash, catcher, database, secrets },
      apiUrl: options.apiUrl,
    });
    return {
      postgres,
      neonProxy,
      redis,
      qstash,
      catcher,
      database,
      secrets,
      env,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** A taken port's error names the variable that moves it (the services cannot know it). */
function named<T>(key: keyof DevstackPorts, start: Promise<T>): Promise<T> {
  return start.catch((err: unknown) => {
    throw err instanceof PortInUseError ? err.withPortEnv(PORT_ENV[key]) : err;
  });
}

/** The api Worker's environment for this stack, under the production variable names. */
export function workerEnv(stack: {
  postgres: RunningPostgres;
  neonProxy: RunningNeonProxy;
  redis: RunningRedis;
  qstash: RunningQStash;
  catcher: RunningCatcher;
  database: string;
  secrets: DevstackSecrets;
  apiUrl?: string;
}): Record<string, string> {
  return {
    DATABASE_URL: stack.postgres.url(stack.database),
    NEON_WS_PROXY: stack.neonProxy.wsProxy,
    NEON_SECURE_WEBSOCKET: 'false',
    NEON_HTTP_ENDPOINT: stack.neonProxy.sqlEndpoint,
    UPSTASH_REDIS_REST_URL: stack.redis.url,
    UPSTASH_REDIS_REST_TOKEN: stack.secrets.redisToken,
    QSTASH_URL: stack.qstash.url,
    QSTASH_TOKEN: stack.secrets.qstashToken,
    QSTASH_CURRENT_SIGNING_KEY: stack.secrets.qstashCurrentSigningKey,
    QSTASH_NEXT_SIGNING_KEY: stack.secrets.qstashNextSigningKey,
    RESEND_API_KEY: stack.secrets.resendApiKey,
    RESEND_BASE_URL: stack.catcher.url,
    SECRETS_KEYRING: stack.secrets.secretsKeyring,
    REALTIME_TOKEN_SECRET: stack.secrets.realtimeTokenSecret,
    API_PUBLIC_URL: stack.apiUrl ?? DEFAULT_API_URL,
    APP_URL: DEFAULT_APP_URL,
    EMAIL_FROM: 'AnythingIoT Alerts <alerts@anythingiot.test>',
    // The dashboard's account emails (verification, reset, invitations).
    MAIL_FROM: 'AnythingIoT <no-reply@anythingiot.test>',
    SMS_API_URL: `${stack.catcher.url}/sms`,
    SMS_ACCOUNT_SID: DEVSTACK_SMS_ACCOUNT_SID,
    SMS_AUTH_TOKEN: stack.secrets.smsToken,
    // Twilio's magic test number: valid E.164, never a real subscriber.
    SMS_FROM: '+15005550006',
    // The catcher listens on loopback, which the webhook rules refuse: configuration (this
    // origin only), not a dev branch, lets tenants' test webhooks reach it.
    WEBHOOK_ALLOWED_ORIGINS: stack.catcher.url,
  };
}
