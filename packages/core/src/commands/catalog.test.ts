import { describe, expect, it } from 'vitest';
import { isDomainError } from '../errors/domain-error.js';
import {
  STANDARD_COMMAND_TYPES,
  STANDARD_COMMANDS,
  standardCommandFromForm,
  validateStandardCommand,
} from './catalog.js';

/** The field errors of a refused command, by path. */
function refusal(run: () => unknown): Record<string, string> {
  try {
    run();
  } catch (err) {
    if (!isDomainError(err) || err.code !== 'VALIDATION') throw err;
    return Object.fromEntries((err.details.errors ?? []).map((e) => [e.path, e.message]));
  }
  throw new Error('accepted');
}

describe('standard commands', () => {
  it('lists each type once, with its form fields, as plain data', () => {
    expect(STANDARD_COMMANDS.map((c) => c.type)).toEqual(STANDARD_COMMAND_TYPES);
    expect(new Set(STANDARD_COMMAND_TYPES).size).toBe(STANDARD_COMMAND_TYPES.length);
    expect(STANDARD_COMMAND_TYPES).toEqual(
      expect.arrayContaining(['ping', 'set_report_interval', 'reboot', 'update_firmware']),
    );
    // Sent to browsers as JSON: nothing that JSON would lose.
    expect(JSON.parse(JSON.stringify(STANDARD_COMMANDS))).toEqual(STANDARD_COMMANDS);
  });

  it('reads a form: numbers from digits, blanks left out, ttl and key kept', () => {
    expect(
      standardCommandFromForm({
        type: 'set_report_interval',
        payload: { seconds: ' 30 ', ignored: 'x' },
        ttlSeconds: 120,
        idempotencyKey: 'k-1',
      }),
    ).toEqual({
      type: 'set_report_interval',
      payload: { seconds: 30 },
      ttlSeconds: 120,
      idempotencyKey: 'k-1',
    });
    expect(standardCommandFromForm({ type: 'ping', payload: {} })).toEqual({
      type: 'ping',
      payload: {},
      ttlSeconds: 3600,
    });
    expect(
      standardCommandFromForm({
        type: 'update_firmware',
        payload: { version: '2.1.0', url: 'https://fw.example.com/2.1.0.bin', sha256: '' },
      }).payload,
    ).toEqual({ version: '2.1.0', url: 'https://fw.example.com/2.1.0.bin' });
  });

  it('names every bad field at once, under payload.<field>', () => {
    expect(
      refusal(() =>
        standardCommandFromForm({
          type: 'set_report_interval',
          payload: { seconds: 'soon' },
          ttlSeconds: 0,
          idempotencyKey: 'has space',
        }),
      ),
    ).toEqual({
      'payload.seconds': 'must be a whole number of seconds',
      ttlSeconds: 'at least 1 second',
      idempotencyKey: '1 to 128 visible ASCII characters',
    });
    expect(
      refusal(() => standardCommandFromForm({ type: 'set_report_interval', payload: {} })),
    ).toEqual({ 'payload.seconds': 'required' });
    expect(
      refusal(() =>
        standardCommandFromForm({ type: 'set_report_interval', payload: { seconds: '90000' } }),
      ),
    ).toEqual({ 'payload.seconds': 'at most 86400 seconds (one day)' });
    expect(
      refusal(() =>
        standardCommandFromForm({
          type: 'update_firmware',
          payload: { url: 'http://fw.example.com/x.bin', sha256: 'abc' },
        }),
      ),
    ).toEqual({
      'payload.version': 'required',
      'payload.url': 'must be an https:// address',
      'payload.sha256': '64 hexadecimal characters',
    });
  });

  it('refuses a type outside the list, and a payload its type does not take', () => {
    expect(refusal(() => standardCommandFromForm({ type: 'self_destruct', payload: {} }))).toEqual({
      type: 'choose one of the listed commands',
    });
    expect(refusal(() => validateStandardCommand({ type: 'ping', payload: { extra: 1 } }))).toEqual(
      { payload: expect.stringMatching(/unrecognized key/i) },
    );
    expect(refusal(() => validateStandardCommand({ type: 'toString', payload: {} }))).toEqual({
      type: 'choose one of the listed commands',
    });
  });
});
