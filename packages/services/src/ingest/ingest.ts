import {
  type DeliveredCommand,
  DomainError,
  type LiveEvent,
  parseIngestBody,
  type RejectedReading,
  readingsEvent,
  verifyDeviceSignature,
} from '@anythingiot/core';
import {
  type DeviceAuth,
  type DeviceCredentialAuth,
  type IngestGuard,
  ingestReadings,
  pgErrorCode,
} from '@anythingiot/db';
import { evaluateReadings } from '../alerts/evaluate-readings.js';
import { handOff } from '../alerts/hand-off.js';
import { claimCommands, toDelivered } from '../commands/device-commands.js';
import type { DeviceCtx } from '../context.js';
import {
  forgetDeviceAuth,
  loadDeviceAuth,
  reloadDeviceAuth,
  signingKey,
} from './credential-cache.js';
import type { IngestCtx, IngestPorts } from './ports.js';
import { admitPost } from './redis-guard.js';

export type IngestInput = {
  deviceId: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Uint8Array;
};

export type IngestResult = {
  accepted: number;
  duplicates: number;
  rejected: RejectedReading[];
  serverTime: string;
  /** Commands waiting for the device, now marked sent (at least once: it dedupes by id). */
  commands: DeliveredCommand[];
};

/** A device whose signature verified, and the credential that verified it. */
export type AuthenticatedDevice = { tenantId: string; deviceId: string; guard: IngestGuard };

/**
 * What storing one batch came to; `commandsWaiting` from the same statement. `live` is for the
 * tenant's room: the caller publishes it once the device has its answer (it is committed).
 */
export type StoredBatch = Omit<IngestResult, 'commands'> & {
  commandsWaiting: boolean;
  live: LiveEvent[];
};

/** The device's answer, and what to announce to the tenant's dashboards after sending it. */
export type IngestAnswer = {
  result: IngestResult;
  live: { tenantId: string; events: LiveEvent[] };
};

const unauthenticated = (reason: string, message: string) =>
  new DomainError('UNAUTHENTICATED', message, { reason });

/**
 * A device post, end to end: authenticate (signature over the raw bytes, timestamp window,
 * replay), validate and normalise, store in one statement. A device gets 2xx only after its
 * readings are committed; bad input changes nothing.
 *
 * With the device's credentials cached in Redis, a post costs one database round trip (one
 * request to Neon's HTTP query endpoint): the ingest statement itself re-checks that the
 * device is active and the credential that verified is still valid, so a revocation the cache
 * never heard of still takes effect at once.
 */
export async function ingest({
  ctx,
  input,
}: {
  ctx: IngestCtx;
  input: IngestInput;
}): Promise<IngestAnswer> {
  const device = await authenticateDevice({
    ctx,
    input: { ...input, signedBytes: input.rawBody },
  });
  const { commandsWaiting, live, ...stored } = await storeBatch({
    ctx,
    input: { device, text: decodeUtf8(input.rawBody) },
  });
  const commands = commandsWaiting ? await deliverCommands(ctx, device) : [];
  return {
    result: { ...stored, commands },
    live: { tenantId: device.tenantId, events: live },
  };
}

/**
 * The commands due for the device, marked sent, for its answer. The readings are committed
 * whatever happens here: a failure is logged and the commands wait for the next post.
 */
async function deliverCommands(
  ctx: IngestCtx,
  device: AuthenticatedDevice,
): Promise<DeliveredCommand[]> {
  try {
    const claimed = await claimCommands({
      ctx: deviceCtx(ctx, device),
      input: { immediately: false },
    });
    return claimed.map(toDelivered);
  } catch (err) {
    ctx.ports.log({
      warning: 'commands_not_delivered',
      deviceId: device.deviceId,
      error: String(err),
    });
    return [];
  }
}

/**
 * Authenticates a signed device request — an ingest post, a command report, a room connect
 * token: the signature over `signedBytes` and `timestamp` with one of the device's secrets, the
 * timestamp window, the per-device rate and the replay guard. Throws UNAUTHENTICATED (with the
 * reason) or RATE_LIMITED; unknown device and wrong signature answer alike.
 */
export async function authenticateDevice({
  ctx: { ports, db },
  input,
}: {
  ctx: IngestCtx;
  input: {
    deviceId: string | undefined;
    timestamp: string | undefined;
    signature: string | undefined;
    signedBytes: Uint8Array | string;
  };
}): Promise<AuthenticatedDevice> {
  const { deviceId, timestamp, signature } = input;
  if (!deviceId || !timestamp || !signature) {
    throw new DomainError('BAD_REQUEST', 'X-Device-Id, X-Timestamp and X-Signature are required.', {
      reason: 'missing_headers',
    });
  }
  const loaded = await storage(() => loadDeviceAuth(ports, db, deviceId));
  let auth = loaded.auth;
  let credential = auth && (await verifiedCredential(ports, auth, input));
  if (!credential && loaded.source !== 'database' && auth?.status !== 'revoked') {
    // Maybe a secret rotated since the entry was cached: ask the database once before refusing.
    // (Revocation is final, so a cached 'revoked' needs no second opinion.)
    auth = await storage(() => reloadDeviceAuth(ports, db, deviceId));
    credential = auth && (await verifiedCredential(ports, auth, input));
  }
  // Unknown device and wrong signature get the same answer, so ids cannot be enumerated.
  if (auth?.status === 'revoked') throw revoked();
  if (!auth || !credential) throw badSignature();
  const { tenantId } = auth;
  const guard = { credentialId: credential.id, sealedSecret: credential.sealedSecret };

  const now = ports.now();
  const sentAt = /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  if (!(Math.abs(now - sentAt) <= ports.ingest.timestampWindowMs)) {
    throw unauthenticated(
      'stale_timestamp',
      `X-Timestamp must be Unix milliseconds within ${ports.ingest.timestampWindowMs / 1000} s of server time ${new Date(now).toISOString()}.`,
    );
  }
  const admission = await admitPost(ports, deviceId, signature);
  if (admission.retryAfterSeconds !== undefined) {
    throw new DomainError('RATE_LIMITED', 'Too many posts from this device.', {
      reason: 'rate_limited',
      retryAfterSeconds: admission.retryAfterSeconds,
    });
  }
  if (admission.replayed) {
    throw unauthenticated('replayed', 'This signed request was already received.');
  }
  return { tenantId, deviceId, guard };
}

/**
 * Validates, normalises and stores one batch of an authenticated device, then judges its rules:
 * the HTTP post and the room's telemetry frame both come here, so both store and validate
 * alike. Returns only once the readings are committed (and rules evaluated).
 */
export async function storeBatch({
  ctx: { ports, db, requestId },
  input: { device, text },
}: {
  ctx: IngestCtx;
  input: { device: AuthenticatedDevice; text: string };
}): Promise<StoredBatch> {
  const { tenantId, deviceId, guard } = device;
  const now = ports.now();
  const batch = parseIngestBody(text, now);
  if (batch.rows.length === 0) {
    throw new DomainError('VALIDATION', 'No reading in the batch is valid.', {
      reason: 'all_readings_invalid',
      errors: batch.rejected.map((r) => ({
        path: `readings.${r.index}`,
        message: `${r.code}: ${r.detail}`,
      })),
    });
  }
  // The hot path's one statement goes over Neon's HTTP mode: no WebSocket or Postgres session
  // to open for it (the WebSocket pool is opened only on a cache miss or to evaluate rules).
  const outcome = await storage(() =>
    ingestReadings(ports.sqlOverHttp(), { tenantId, deviceId }, batch.rows, guard),
  );
  if (outcome.status === 'refused') {
    // The cache (or our read) was stale: forget it so the next post sees the database.
    await forgetDeviceAuth(ports, deviceId);
    throw outcome.reason === 'revoked' ? revoked() : badSignature();
  }
  if (outcome.seqGaps?.error) {
    ports.log({
      warning: 'seq_gaps_not_updated',
      deviceId,
      error: String((outcome.seqGaps.error as Error)?.message ?? outcome.seqGaps.error),
    });
  }
  // Rules are judged before the answer (ARCHITECTURE, data flow step 4): a 200 means stored
  // AND evaluated. If evaluation fails the device gets 503 and retries; its readings are then
  // duplicates, and evaluation runs again from the stored state, so no alert is ever skipped.
  let judged: LiveEvent[] = [];
  if (outcome.evaluate) {
    const evaluation = await storage(() =>
      evaluateReadings(ports, db(), {
        tenantId,
        deviceId,
        rows: batch.rows,
        requestId,
      }),
    );
    // Its live events go out with the readings, after the answer (see StoredBatch.live).
    await handOff(ports, db(), tenantId, { ...evaluation, live: [] });
    judged = evaluation.live;
  }
  // Only committed data is announced; a batch of nothing but duplicates changes nothing.
  const readings =
    outcome.accepted > 0
      ? [
          readingsEvent({
            deviceId,
            facilityId: outcome.facilityId,
            acceptedAt: ports.now(),
            rows: batch.rows,
          }),
        ]
      : [];
  return {
    accepted: outcome.accepted,
    duplicates: outcome.duplicates,
    rejected: batch.rejected,
    serverTime: new Date(ports.now()).toISOString(),
    commandsWaiting: outcome.commandsWaiting,
    live: [...readings, ...judged],
  };
}

/** The use-case context of a device whose signature (or connect token) verified. */
export const deviceCtx = (
  ctx: IngestCtx,
  device: Pick<AuthenticatedDevice, 'tenantId' | 'deviceId'>,
): DeviceCtx => ({
  tenantId: device.tenantId,
  deviceId: device.deviceId,
  requestId: ctx.requestId,
  db: ctx.db(),
  ports: ctx.ports,
});

const badSignature = () => unauthenticated('bad_signature', 'The signature does not match.');
const revoked = () => unauthenticated('revoked', 'This device has been revoked.');

/**
 * The credential whose secret signed this request, if any. Usually one secret; two only during
 * a rotation grace. Stops at the first that verifies.
 */
async function verifiedCredential(
  ports: IngestPorts,
  auth: DeviceAuth,
  input: { timestamp?: string; signature?: string; signedBytes: Uint8Array | string },
): Promise<DeviceCredentialAuth | undefined> {
  if (auth.status !== 'active') return undefined;
  for (const credential of auth.credentials) {
    const secret = await signingKey(ports, credential.sealedSecret);
    if (
      await verifyDeviceSignature(
        secret,
        input.signedBytes,
        input.timestamp as string,
        input.signature as string,
      )
    ) {
      return credential;
    }
  }
  return undefined;
}

function decodeUtf8(bytes: Uint8Array) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DomainError('VALIDATION', 'The body is not UTF-8.', { reason: 'malformed_json' });
  }
}

/**
 * Database unreachable (connection refused, timeout, shutting down) → 503 with Retry-After, so
 * devices keep their buffer and retry. Anything else is a bug and stays a 500.
 */
async function storage<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    const code = pgErrorCode(err);
    const unreachable = code === undefined || /^(08|53|57P)/.test(code);
    if (unreachable) {
      throw new DomainError('UNAVAILABLE', 'Storage is unavailable; retry later.', {
        reason: 'storage_unavailable',
        retryAfterSeconds: 5,
      });
    }
    throw err;
  }
}
