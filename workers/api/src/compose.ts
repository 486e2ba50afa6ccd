import { type Keyring, type LivePublisher, noLivePublisher, parseKeyring } from '@anythingiot/core';
import { createDb, createSqlOverHttp, dbConfigFromEnv, type SqlOverHttp } from '@anythingiot/db';
import {
  dohResolver,
  httpWebhook,
  qstashJobs,
  resendEmail,
  twilioSms,
} from '@anythingiot/services';
import { Client as QStashClient, Receiver as QStashReceiver } from '@upstash/qstash';
import { Redis } from '@upstash/redis';
import type { AppDeps, LogEvent } from './deps.js';
import type { WorkerEnv } from './env.js';

export type RuntimeExtras = {
  log?: (event: LogEvent) => void;
  /** Where committed changes are announced; the Worker entry passes its room binding's. */
  live?: LivePublisher;
};

/** The composition root: production clients configured from the parsed environment. */
export function depsFromEnv(env: WorkerEnv, extras: RuntimeExtras = {}): AppDeps {
  let keyring: Promise<Keyring> | undefined;
  let sqlOverHttp: SqlOverHttp | undefined;
  const dbConfig = dbConfigFromEnv(env);
  const qstash = new QStashClient({
    baseUrl: env.QSTASH_URL,
    token: env.QSTASH_TOKEN,
    retry: { retries: 2, backoff: (n) => 100 * 2 ** n },
  });
  return {
    openDb: () => createDb(dbConfig),
    // Unlike a WebSocket, the HTTP query function holds no socket or other I/O object between
    // queries (each query is its own fetch), so Workers allow one per isolate, shared by every
    // request; created on first use, so requests that never touch it pay nothing.
    sqlOverHttp: () => {
      sqlOverHttp ??= createSqlOverHttp(dbConfig);
      return sqlOverHttp;
    },
    redis: new Redis({
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
      enableTelemetry: false,
      // Redis is an accelerator here (cache, replay guard, limits): fail fast, degrade.
      retry: { retries: 1, backoff: () => 50 },
    }),
    qstash,
    // QStash delivers our jobs to this api's public URL (/v1/jobs/*).
    jobs: qstashJobs(qstash, env.API_PUBLIC_URL),
    // The notification channels' port adapters (they live in services, so the dashboard can
    // build the same); the use cases get them through `notificationPorts(deps)`.
    notify: {
      appUrl: env.APP_URL,
      email: resendEmail({
        apiKey: env.RESEND_API_KEY,
        baseUrl: env.RESEND_BASE_URL,
        from: env.EMAIL_FROM,
      }),
      sms: twilioSms({
        apiUrl: env.SMS_API_URL,
        accountSid: env.SMS_ACCOUNT_SID,
        authToken: env.SMS_AUTH_TOKEN,
        from: env.SMS_FROM,
      }),
      webhook: httpWebhook(),
      retry: { retries: env.DELIVERY_RETRIES, delay: env.DELIVERY_RETRY_DELAY },
      webhookDestinations: {
        allowedOrigins: env.WEBHOOK_ALLOWED_ORIGINS,
        ...(env.WEBHOOK_DOH_URL ? { resolve: dohResolver(env.WEBHOOK_DOH_URL) } : {}),
      },
    },
    qstashReceiver: new QStashReceiver({
      currentSigningKey: env.QSTASH_CURRENT_SIGNING_KEY,
      nextSigningKey: env.QSTASH_NEXT_SIGNING_KEY,
    }),
    log: extras.log ?? ((event) => console.log(JSON.stringify(event))),
    now: () => Date.now(),
    live: extras.live ?? noLivePublisher,
    keyring: () => {
      keyring ??= parseKeyring(env.SECRETS_KEYRING);
      return keyring;
    },
    apiKeyRatePerMinute: env.API_KEY_RATE_LIMIT_PER_MINUTE,
    tenantRatePerMinute: env.TENANT_API_RATE_LIMIT_PER_MINUTE,
    alerts: { offlineFactor: env.OFFLINE_AFTER_INTERVALS },
    ingest: {
      timestampWindowMs: env.INGEST_TIMESTAMP_WINDOW_SECONDS * 1_000,
      ratePerMinute: env.INGEST_RATE_LIMIT_PER_MINUTE,
    },
  };
}
