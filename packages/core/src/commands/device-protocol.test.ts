import { describe, expect, it } from 'vitest';
import { isDomainError } from '../errors/domain-error.js';
import { parseIngestBody } from '../readings/ingest-body.js';
import { signDeviceRequest, verifyDeviceSignature } from '../signing/device-signature.js';
import { resultOutcome, validateCommandInput } from './command-input.js';
import {
  CommandReportBodySchema,
  connectTokenMessage,
  MAX_DEVICE_FRAME_BYTES,
  parseDeviceFrame,
  telemetryIngestBody,
} from './device-protocol.js';

describe('parseDeviceFrame', () => {
  it('accepts the seed protocol’s frames', () => {
    const frames = [
      { type: 'command_ack', payload: { commandId: 'cmd_1' } },
      {
        type: 'command_result',
        payload: { commandId: 'cmd_1', response: { status: 'success' }, error: null },
      },
      {
        type: 'update_progress',
        payload: { commandId: 'cmd_1', progress: 75, status: 'downloading' },
      },
      { type: 'telemetry', payload: { metrics: { temperature: 4.5, humidity: 45 } } },
      { type: 'telemetry', id: 'f1', payload: { readings: [{ ts: 1, temperature: 4 }] } },
      { type: 'heartbeat' },
    ];
    for (const frame of frames) {
      const parsed = parseDeviceFrame(JSON.stringify(frame));
      expect(parsed.ok, JSON.stringify(frame)).toBe(true);
    }
  });

  it('names the field that is wrong, and keeps the frame id for correlation', () => {
    expect(
      parseDeviceFrame(JSON.stringify({ type: 'command_ack', id: 'a1', payload: {} })),
    ).toEqual({
      ok: false,
      id: 'a1',
      error: {
        code: 'invalid_frame',
        message: 'The frame is invalid.',
        errors: [expect.objectContaining({ path: 'payload.commandId' })],
      },
    });
    const unknown = parseDeviceFrame(JSON.stringify({ type: 'reboot_now' }));
    expect(unknown.ok === false && unknown.error.errors[0]?.path).toBe('type');
    const extra = parseDeviceFrame(
      JSON.stringify({ type: 'update_progress', payload: { commandId: 'c', progress: 101 } }),
    );
    expect(extra.ok === false && extra.error.errors[0]?.path).toBe('payload.progress');
  });

  it('refuses text that is not JSON, and frames over the size limit', () => {
    expect(parseDeviceFrame('{nope')).toMatchObject({
      ok: false,
      error: { code: 'malformed_json' },
    });
    const huge = JSON.stringify({
      type: 'heartbeat',
      payload: { x: 'y'.repeat(MAX_DEVICE_FRAME_BYTES) },
    });
    expect(parseDeviceFrame(huge)).toMatchObject({ ok: false, error: { code: 'too_large' } });
  });
});

describe('telemetryIngestBody', () => {
  it('turns a seed snapshot into one reading at receipt time, validated as HTTP ingest is', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    const body = telemetryIngestBody({ metrics: { temperature: 4.5 } }, now);
    expect(parseIngestBody(body, now).rows).toEqual([
      { metric: 'temperature', ts: now, value: 4.5, seq: null },
    ]);
    const passthrough = telemetryIngestBody({ readings: [{ ts: now, temperature: 5 }] }, now);
    expect(JSON.parse(passthrough)).toEqual({ readings: [{ ts: now, temperature: 5 }] });
  });
});

describe('connect token', () => {
  it('is the ingest signature over a message no JSON body can be', async () => {
    const message = connectTokenMessage('dev_abc');
    expect(message.startsWith('{')).toBe(false);
    const sig = await signDeviceRequest('s3cret', message, '1700000000000');
    expect(await verifyDeviceSignature('s3cret', message, '1700000000000', sig)).toBe(true);
    expect(
      await verifyDeviceSignature('s3cret', connectTokenMessage('dev_abd'), '1700000000000', sig),
    ).toBe(false);
  });
});

describe('command input', () => {
  it('defaults payload and ttl, and reports every bad field at once', () => {
    expect(validateCommandInput({ type: 'ping' })).toEqual({
      type: 'ping',
      payload: {},
      ttlSeconds: 3600,
    });
    let caught: unknown;
    try {
      validateCommandInput({
        type: 'Reboot Now',
        payload: [],
        ttlSeconds: 0,
        idempotencyKey: '',
        extra: 1,
      });
    } catch (err) {
      caught = err;
    }
    expect(isDomainError(caught) && caught.code).toBe('VALIDATION');
    const paths = isDomainError(caught) ? caught.details.errors?.map((e) => e.path) : [];
    expect(paths).toEqual(
      expect.arrayContaining(['type', 'payload', 'ttlSeconds', 'idempotencyKey', '']),
    );
  });

  it('refuses a payload over 8 KiB', () => {
    expect(() => validateCommandInput({ type: 'x', payload: { blob: 'a'.repeat(9_000) } })).toThrow(
      /invalid/,
    );
  });

  it('reads a result’s outcome from its status, else from its error', () => {
    expect(resultOutcome({ commandId: 'c', error: null })).toBe('completed');
    expect(resultOutcome({ commandId: 'c', error: 'disk full' })).toBe('failed');
    expect(resultOutcome({ commandId: 'c', status: 'failed' })).toBe('failed');
  });

  it('takes an empty report body as a poll', () => {
    expect(CommandReportBodySchema.parse({})).toEqual({ acks: [], results: [], progress: [] });
  });
});
