import {
  type DeviceFrame,
  type DeviceServerFrame,
  DomainError,
  isDomainError,
  type LiveEvent,
  type LivePublisher,
  newId,
  parseDeviceFrame,
  problemFromDomainError,
  type RejectedReading,
  telemetryIngestBody,
} from '@anythingiot/core';
import {
  type CommandReportOutcome,
  claimCommands,
  type DeviceCtx,
  reportCommands,
  toDelivered,
} from '@anythingiot/services';
import { type Connection, type ConnectionContext, Server, type WSMessage } from 'partyserver';
import {
  type AdmittedDevice,
  AdmittedDeviceSchema,
  DEVICE_AUTH_HEADER,
} from './device-admission.js';

/** What storing a telemetry frame came to (ingest's answer, and what to announce after it). */
export type StoredTelemetry = {
  accepted: number;
  duplicates: number;
  rejected: RejectedReading[];
  serverTime: string;
  /** Commands are waiting for the device (from the same statement): push them. */
  commandsWaiting: boolean;
  /** For the tenant's room, once the device has its answer. */
  live: LiveEvent[];
};

/**
 * What the device room needs from outside, supplied by the Worker's composition (the room never
 * reads env): ingest, a use-case context per unit of work, the tenant rooms, a log and a clock.
 */
export type DeviceRoomPorts = {
  /**
   * Stores a batch (ingest's JSON body) exactly as HTTP ingest does — same validation, same
   * guard on the credential that opened the socket — and resolves once it is committed.
   */
  ingest(device: AdmittedDevice, body: string, requestId: string): Promise<StoredTelemetry>;
  /**
   * Whether the credential a socket was opened with still verifies now: `revoked` (the device),
   * `retired` (that secret was rotated away or its grace ended), else `valid`.
   */
  credentialStatus(device: AdmittedDevice): Promise<CredentialStatus>;
  /** A device context with its own database connection, closed by `close()`. */
  deviceCtx(device: AdmittedDevice, requestId: string): { ctx: DeviceCtx; close(): Promise<void> };
  live: LivePublisher;
  log(event: Record<string, unknown>): void;
  now(): number;
};

export type CredentialStatus = 'valid' | 'revoked' | 'retired';

/**
 * How long a verified credential stands for heartbeats. Command frames (which change state) and
 * pushes (which reveal commands) always re-check; a heartbeat only keeps the socket alive, so a
 * look every so often suffices, and rotation or revocation tells the room at once anyway.
 */
export const CREDENTIAL_RECHECK_MS = 30_000;

/** Close codes (4xxx: application). */
export const DEVICE_ROOM_CLOSE = {
  /** Not admitted, or the credential was revoked meanwhile: get new credentials. */
  unauthenticated: 4401,
  /** The same device connected again; the older connection gives way. */
  replaced: 4409,
  /** Too many frames: back off, then reconnect. */
  rateLimited: 4429,
} as const;

/**
 * Frames a device may send per minute (all kinds, invalid ones included). A device reporting
 * every few seconds with a heartbeat in between stays far below; a loop sending as fast as it
 * can is cut off. Counted per room, i.e. per device, in the room's memory: a room only sleeps
 * when nothing arrives, so forgetting the count then forgives nothing.
 */
export const DEVICE_ROOM_FRAMES_PER_MINUTE = 120;

/**
 * `device:<id>` — a device's own room (partyserver Durable Object, URL
 * `/parties/device/<device id>`), its downlink and a second uplink beside HTTP ingest. The
 * Worker admits the connection (connect token, see device-admission.ts) before the room wakes.
 * The Worker exports a subclass that composes the room's ports (`compose`) from its bindings.
 *
 * Device → server: `telemetry` (validated and stored exactly as HTTP ingest, answered
 * `telemetry_ack` only once committed), `command_ack`, `command_result`, `update_progress`
 * (answered `command_status`), `heartbeat` (answered `heartbeat_ack`). Server → device:
 * `command`, pushed when a command is created (RPC `deliver`) and on every (re)connection for
 * what is due. Every invalid frame gets an `error` frame naming the field; the connection stays.
 *
 * Hibernation is on: an idle device's room costs nothing while its socket stays open.
 */
export abstract class DeviceRoomServer extends Server<Record<string, unknown>> {
  static override options = { hibernate: true };

  #ports: DeviceRoomPorts | undefined;
  #admitted = new WeakMap<Request, AdmittedDevice>();
  #window = { start: 0, frames: 0 };
  /** The last credential seen valid, and when (memory only: after a wake-up it is checked again). */
  #verified: { credentialId: string; at: number } | undefined;

  /** The Worker composes the room's ports from its bindings (called once per room instance). */
  protected abstract compose(env: Record<string, unknown>): DeviceRoomPorts;

  #deps(): DeviceRoomPorts {
    this.#ports ??= this.compose(this.env);
    return this.#ports;
  }

  /** Only connections the Worker admitted for this very device get in. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('Not found', { status: 404 });
    }
    const raw = request.headers.get(DEVICE_AUTH_HEADER);
    const admitted = raw ? AdmittedDeviceSchema.safeParse(safeJson(raw)) : undefined;
    if (!admitted?.success || admitted.data.deviceId !== this.name) {
      return new Response(null, { status: 401 });
    }
    this.#admitted.set(request, admitted.data);
    return super.fetch(request);
  }

  override async onConnect(connection: Connection<AdmittedDevice>, ctx: ConnectionContext) {
    const admitted = this.#admitted.get(ctx.request);
    if (!admitted) {
      connection.close(DEVICE_ROOM_CLOSE.unauthenticated, 'not admitted');
      return;
    }
    connection.setState(admitted);
    // Admission has just verified it.
    this.#verified = { credentialId: admitted.credentialId, at: Date.now() };
    // One connection per device: a reconnect after a network change must not leave a dead
    // socket that commands would be pushed into.
    for (const other of this.getConnections()) {
      if (other.id !== connection.id) {
        other.close(DEVICE_ROOM_CLOSE.replaced, 'replaced by a newer connection');
      }
    }
    // A new connection: what was sent before may never have arrived, so send what is due now.
    await this.#deliver(connection, admitted, true);
  }

  override async onMessage(connection: Connection<AdmittedDevice>, message: WSMessage) {
    const device = connection.state;
    if (!device) {
      connection.close(DEVICE_ROOM_CLOSE.unauthenticated, 'not admitted');
      return;
    }
    if (this.#overLimit()) {
      connection.close(DEVICE_ROOM_CLOSE.rateLimited, 'too many frames: back off');
      return;
    }
    const text = typeof message === 'string' ? message : new TextDecoder().decode(message);
    const parsed = parseDeviceFrame(text);
    if (!parsed.ok) {
      send(connection, {
        type: 'error',
        ...(parsed.id ? { id: parsed.id } : {}),
        payload: parsed.error,
      });
      return;
    }
    const frame = parsed.frame;
    const deps = this.#deps();
    const requestId = newId('request');
    try {
      await this.#handle(connection, device, frame, deps, requestId);
    } catch (err) {
      this.#fail(connection, frame, err, deps, requestId);
    }
  }

  override onRequest(): Response {
    return new Response('Not found', { status: 404 });
  }

  /**
   * RPC from the api after a command was created: pushes what is due to the connected device.
   * Returns how many commands went out (0 when the device is not connected: its next post or
   * connection collects them).
   */
  async deliver(): Promise<number> {
    const connection = [...this.getConnections<AdmittedDevice>()].find(
      (c) => c.readyState === WebSocket.OPEN && c.state,
    );
    if (!connection?.state) return 0;
    // A command is never shown to a socket whose secret was revoked or rotated away.
    if (!(await this.#credentialHolds(connection, connection.state, 0))) return 0;
    return this.#deliver(connection, connection.state, false);
  }

  /**
   * RPC from the rotate and revoke use cases: re-checks the credential of every open socket and
   * closes (4401) those no longer valid, so a leaked secret loses its downlink at once.
   * Returns how many sockets were closed.
   */
  async credentialsChanged(): Promise<number> {
    let closed = 0;
    for (const connection of this.getConnections<AdmittedDevice>()) {
      if (connection.readyState !== WebSocket.OPEN || !connection.state) continue;
      if (!(await this.#credentialHolds(connection, connection.state, 0))) closed++;
    }
    return closed;
  }

  /**
   * Whether the socket's credential still verifies (a result younger than `maxAgeMs` is
   * reused). When it does not, the device hears why — an error frame answering `frameId`, the
   * same codes HTTP answers with — and the socket is closed with 4401.
   */
  async #credentialHolds(
    connection: Connection<AdmittedDevice>,
    device: AdmittedDevice,
    maxAgeMs: number,
    frameId?: string,
  ): Promise<boolean> {
    const now = Date.now();
    const seen = this.#verified;
    if (seen && seen.credentialId === device.credentialId && now - seen.at < maxAgeMs) return true;
    const status = await this.#deps().credentialStatus(device);
    if (status === 'valid') {
      this.#verified = { credentialId: device.credentialId, at: now };
      return true;
    }
    this.#verified = undefined;
    const { problem } = problemFromDomainError(credentialError(status));
    send(connection, {
      type: 'error',
      ...(frameId ? { id: frameId } : {}),
      payload: { code: problem.code, message: problem.detail, errors: [] },
    });
    connection.close(DEVICE_ROOM_CLOSE.unauthenticated, problem.code);
    return false;
  }

  async #handle(
    connection: Connection<AdmittedDevice>,
    device: AdmittedDevice,
    frame: DeviceFrame,
    deps: DeviceRoomPorts,
    requestId: string,
  ) {
    const id = frame.id ? { id: frame.id } : {};
    switch (frame.type) {
      case 'heartbeat':
        if (!(await this.#credentialHolds(connection, device, CREDENTIAL_RECHECK_MS, frame.id))) {
          return;
        }
        send(connection, {
          type: 'heartbeat_ack',
          ...id,
          payload: { serverTime: new Date(deps.now()).toISOString() },
        });
        return;
      case 'telemetry': {
        const stored = await deps.ingest(
          device,
          telemetryIngestBody(frame.payload, deps.now()),
          requestId,
        );
        // Committed (and rules judged): only now is it acknowledged.
        send(connection, {
          type: 'telemetry_ack',
          ...id,
          payload: {
            accepted: stored.accepted,
            duplicates: stored.duplicates,
            rejected: stored.rejected,
            serverTime: stored.serverTime,
          },
        });
        await deps.live.publish(device.tenantId, stored.live);
        if (stored.commandsWaiting) await this.#deliver(connection, device, false);
        return;
      }
      case 'command_ack':
      case 'command_result':
      case 'update_progress': {
        // A leaked secret must not report "firmware update completed": every report re-checks.
        if (!(await this.#credentialHolds(connection, device, 0, frame.id))) return;
        const input = {
          acks: frame.type === 'command_ack' ? [frame.payload.commandId] : [],
          results: frame.type === 'command_result' ? [frame.payload] : [],
          progress: frame.type === 'update_progress' ? [frame.payload] : [],
        };
        const work = deps.deviceCtx(device, requestId);
        try {
          const [outcome] = await reportCommands({ ctx: work.ctx, input });
          if (outcome) send(connection, statusFrame(outcome, frame.id));
        } finally {
          await work.close();
        }
        return;
      }
    }
  }

  /** Claims what is due and pushes it; the claim marks it sent first (at least once). */
  async #deliver(
    connection: Connection,
    device: AdmittedDevice,
    immediately: boolean,
  ): Promise<number> {
    const deps = this.#deps();
    let work: { ctx: DeviceCtx; close(): Promise<void> } | undefined;
    try {
      work = deps.deviceCtx(device, newId('request'));
      const claimed = await claimCommands({ ctx: work.ctx, input: { immediately } });
      for (const command of claimed)
        send(connection, { type: 'command', payload: toDelivered(command) });
      return claimed.length;
    } catch (err) {
      // Stored commands are not lost: the next connection or post delivers them.
      deps.log({ warning: 'room_delivery_failed', deviceId: device.deviceId, error: String(err) });
      return 0;
    } finally {
      await work?.close();
    }
  }

  /**
   * A refused frame: the device hears why (the same codes HTTP answers with). A credential that
   * stopped verifying (revoked meanwhile) also ends the connection; a bug is logged, not shown.
   */
  #fail(
    connection: Connection,
    frame: DeviceFrame,
    err: unknown,
    deps: DeviceRoomPorts,
    requestId: string,
  ) {
    const id = frame.id ? { id: frame.id } : {};
    if (isDomainError(err)) {
      const { problem } = problemFromDomainError(err);
      send(connection, {
        type: 'error',
        ...id,
        payload: { code: problem.code, message: problem.detail, errors: problem.errors ?? [] },
      });
      if (err.code === 'UNAUTHENTICATED') {
        connection.close(DEVICE_ROOM_CLOSE.unauthenticated, problem.code);
      }
      return;
    }
    deps.log({
      error: 'device_room_frame_failed',
      requestId,
      frame: frame.type,
      message: String(err),
    });
    send(connection, {
      type: 'error',
      ...id,
      payload: {
        code: 'internal',
        message: `Something went wrong on our side; send it again. (${requestId})`,
        errors: [],
      },
    });
  }

  #overLimit(): boolean {
    const now = Date.now();
    if (now - this.#window.start >= 60_000) this.#window = { start: now, frames: 0 };
    return ++this.#window.frames > DEVICE_ROOM_FRAMES_PER_MINUTE;
  }
}

const credentialError = (status: Exclude<CredentialStatus, 'valid'>) =>
  status === 'revoked'
    ? new DomainError('UNAUTHENTICATED', 'This device has been revoked.', { reason: 'revoked' })
    : new DomainError(
        'UNAUTHENTICATED',
        'The secret this connection was opened with is no longer valid; connect with the current one.',
        { reason: 'credential_retired' },
      );

function statusFrame(
  outcome: CommandReportOutcome,
  frameId: string | undefined,
): DeviceServerFrame {
  const id = frameId ? { id: frameId } : {};
  if (outcome.ok) {
    return {
      type: 'command_status',
      ...id,
      payload: { commandId: outcome.commandId, status: outcome.status },
    };
  }
  return {
    type: 'error',
    ...id,
    payload: {
      code: outcome.reason,
      message: outcome.message,
      errors: [{ path: 'payload.commandId', message: outcome.message }],
    },
  };
}

function send(connection: Connection, frame: DeviceServerFrame) {
  connection.send(JSON.stringify(frame));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
