import {
  DomainError,
  openSecret,
  parseIngestBody,
  type RejectedReading,
  verifyDeviceSignature,
} from '@anythingiot/core';
import { findDeviceAuth, ingestReadings, pgErrorCode } from '@anythingiot/db';
import type { AppDeps } from '../deps.js';
import { isReplay, rateLimited } from './redis-guard.js';

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
  commands: unknown[];
};

const unauthenticated = (reason: string, message: string) =>
  new DomainError('UNAUTHENTICATED', message, { reason });

/**
 * A device post, end to end: authenticate (signature over the raw bytes, timestamp window,
 * replay), validate and normalise, store in one statement. A device gets 2xx only after its
 * readings are committed; bad input changes nothing.
 */
export async function ingest(
  deps: AppDeps,
  db: Parameters<typeof findDeviceAuth>[0],
  input: IngestInput,
): Promise<IngestResult> {
  const { deviceId, timestamp, signature, rawBody } = input;
  if (!deviceId || !timestamp || !signature) {
    throw new DomainError('BAD_REQUEST', 'X-Device-Id, X-Timestamp and X-Signature are required.', {
      reason: 'missing_headers',
    });
  }
  const auth = await storage(() => findDeviceAuth(db, deviceId));
  // Unknown device and wrong signature get the same answer, so ids cannot be enumerated.
  const badSignature = unauthenticated('bad_signature', 'The signature does not match.');
  if (!auth) throw badSignature;
  if (auth.status === 'revoked') throw unauthenticated('revoked', 'This device has been revoked.');
  const keyring = await deps.keyring();
  let verified = false;
  // Usually one secret; two only during a rotation grace. Stop at the first that verifies.
  for (const sealed of auth.sealedSecrets) {
    const secret = await openSecret(keyring, sealed);
    if (await verifyDeviceSignature(secret, rawBody, timestamp, signature)) {
      verified = true;
      break;
    }
  }
  if (!verified) throw badSignature;

  const now = deps.now();
  const sentAt = /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  if (!(Math.abs(now - sentAt) <= deps.ingest.timestampWindowMs)) {
    throw unauthenticated(
      'stale_timestamp',
      `X-Timestamp must be Unix milliseconds within ${deps.ingest.timestampWindowMs / 1000} s of server time ${new Date(now).toISOString()}.`,
    );
  }
  const retryAfterSeconds = await rateLimited(deps, deviceId);
  if (retryAfterSeconds !== undefined) {
    throw new DomainError('RATE_LIMITED', 'Too many posts from this device.', {
      reason: 'rate_limited',
      retryAfterSeconds,
    });
  }
  if (await isReplay(deps, deviceId, signature)) {
    throw unauthenticated('replayed', 'This signed request was already received.');
  }

  const text = decodeUtf8(rawBody);
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
  const outcome = await storage(() =>
    ingestReadings(db, { tenantId: auth.tenantId, deviceId }, batch.rows),
  );
  return {
    ...outcome,
    rejected: batch.rejected,
    serverTime: new Date(deps.now()).toISOString(),
    commands: [],
  };
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
