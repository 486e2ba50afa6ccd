import { connectTokenMessage, isDomainError, problemFromDomainError } from '@anythingiot/core';
import { z } from 'zod';

/**
 * The connect token a device opens its room with: `?ts=<Unix ms>&sig=<hex>` (or the ingest
 * headers `X-Timestamp` / `X-Signature`, for clients that can set them), where
 * `sig = hex(HMAC-SHA256(secret, "anythingiot-connect:<device id>" + ts))`.
 */
export const CONNECT_PARAMS = { timestamp: 'ts', signature: 'sig' } as const;

/**
 * Set by the Worker on a connection it admitted, read by the room. Clients cannot forge it: the
 * Worker replaces it on every admitted request, and a device room is reachable only through
 * that admission (plain HTTP to a room is 404).
 */
export const DEVICE_AUTH_HEADER = 'x-anythingiot-device-auth';

export const AdmittedDeviceSchema = z.object({
  tenantId: z.string().min(1),
  deviceId: z.string().min(1),
  credentialId: z.string().min(1),
  sealedSecret: z.string().min(1),
});
export type AdmittedDevice = z.infer<typeof AdmittedDeviceSchema>;

/**
 * Checks a signed device request exactly as ingest does (the api's composition supplies it):
 * resolves with the device and the credential that verified, or throws the domain error
 * (UNAUTHENTICATED with a reason, RATE_LIMITED, UNAVAILABLE).
 */
export type DeviceAuthenticator = (input: {
  deviceId: string;
  timestamp: string;
  signature: string;
  signedBytes: string;
}) => Promise<{
  tenantId: string;
  deviceId: string;
  guard: { credentialId: string; sealedSecret: string };
}>;

const problem = (status: number, body: Record<string, unknown>, retryAfter?: number) =>
  new Response(JSON.stringify({ type: 'about:blank', status, ...body }), {
    status,
    headers: {
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
      ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
    },
  });

/**
 * Admits a device to its room (`/parties/device/<device id>`) before the room is woken: the
 * connect token is checked exactly as an ingest signature is (secret, timestamp window, replay
 * guard, per-device rate), so the answers are the same: 401 with a reason, 429 with
 * Retry-After, 503 when storage is down. The admitted request carries who connected.
 */
export async function admitDevice(
  request: Request,
  deviceId: string,
  ports: { authenticate: DeviceAuthenticator; log(event: Record<string, unknown>): void },
): Promise<Request | Response> {
  const url = new URL(request.url);
  const timestamp =
    url.searchParams.get(CONNECT_PARAMS.timestamp) ?? request.headers.get('x-timestamp');
  const signature =
    url.searchParams.get(CONNECT_PARAMS.signature) ?? request.headers.get('x-signature');
  if (!timestamp || !signature) {
    return problem(401, {
      title: 'Unauthenticated',
      code: 'missing_connect_token',
      detail:
        'Connect with ?ts=<Unix ms>&sig=<hex HMAC-SHA256(secret, "anythingiot-connect:<device id>" + ts)>.',
    });
  }
  try {
    const device = await ports.authenticate({
      deviceId,
      timestamp,
      signature,
      signedBytes: connectTokenMessage(deviceId),
    });
    const admitted: AdmittedDevice = {
      tenantId: device.tenantId,
      deviceId: device.deviceId,
      credentialId: device.guard.credentialId,
      sealedSecret: device.guard.sealedSecret,
    };
    const forwarded = new Request(request);
    forwarded.headers.set(DEVICE_AUTH_HEADER, JSON.stringify(admitted));
    return forwarded;
  } catch (err) {
    if (isDomainError(err)) {
      const { problem: p, retryAfterSeconds } = problemFromDomainError(err);
      return problem(p.status, { ...p }, retryAfterSeconds);
    }
    ports.log({ error: 'device_admission_failed', deviceId, message: String(err) });
    return problem(500, { title: 'Internal error', code: 'internal', detail: 'Try again later.' });
  }
}
