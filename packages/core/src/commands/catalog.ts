import { z } from 'zod';
import { DomainError, type FieldError } from '../errors/domain-error.js';
import { fieldErrors } from '../errors/validate-with.js';
import { type CommandInput, CommandInputSchema } from './command-input.js';

/**
 * The standard commands: the vocabulary people pick from on the dashboard, each with the
 * payload it takes. The api still accepts any well-formed `type` (a fleet may implement its
 * own); what a device does not implement it fails (the SDK's runner answers "unsupported").
 */
const MAX_REPORT_INTERVAL_SECONDS = 86_400;

const requiredOr = (message: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'required' : message;

const STANDARD = {
  ping: {
    label: 'Ping',
    description: 'Asks the device to answer at once: proves it receives commands.',
    fields: [],
    payload: z.object({}).strict(),
  },
  set_report_interval: {
    label: 'Set report interval',
    description: 'Changes how often the device takes and posts readings.',
    fields: [
      {
        name: 'seconds',
        label: 'Report every (seconds)',
        kind: 'integer',
        required: true,
        min: 1,
        max: MAX_REPORT_INTERVAL_SECONDS,
        hint: '1 to 86400 (one day).',
      },
    ],
    payload: z
      .object({
        seconds: z
          .number({ error: requiredOr('must be a whole number of seconds') })
          .int('must be a whole number of seconds')
          .min(1, 'at least 1 second')
          .max(MAX_REPORT_INTERVAL_SECONDS, 'at most 86400 seconds (one day)'),
      })
      .strict(),
  },
  reboot: {
    label: 'Reboot',
    description: 'Restarts the device.',
    fields: [],
    payload: z.object({}).strict(),
  },
  update_firmware: {
    label: 'Update firmware',
    description: 'Downloads and installs a firmware image; the device reports its progress.',
    fields: [
      { name: 'version', label: 'Version', kind: 'text', required: true, maxLength: 40 },
      {
        name: 'url',
        label: 'Image URL',
        kind: 'url',
        required: true,
        maxLength: 2_000,
        hint: 'An https address the device downloads the image from.',
      },
      {
        name: 'sha256',
        label: 'SHA-256 of the image',
        kind: 'text',
        required: false,
        maxLength: 64,
        hint: 'Optional: the device refuses an image that does not match.',
      },
    ],
    payload: z
      .object({
        version: z
          .string({ error: requiredOr('must be text') })
          .min(1, 'required')
          .max(40, 'at most 40 characters'),
        url: z
          .string({ error: requiredOr('must be text') })
          .max(2_000, 'at most 2000 characters')
          .pipe(z.url({ protocol: /^https$/, error: 'must be an https:// address' })),
        sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/i, '64 hexadecimal characters')
          .optional(),
      })
      .strict(),
  },
} as const satisfies Record<string, StandardCommandSpec>;

type StandardCommandSpec = {
  label: string;
  description: string;
  fields: readonly CommandField[];
  payload: z.ZodType<Record<string, unknown>>;
};

/** One payload field as a form shows it. */
export type CommandField = {
  name: string;
  label: string;
  kind: 'integer' | 'text' | 'url';
  required: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  hint?: string;
};

export type StandardCommandType = keyof typeof STANDARD;

/** A standard command as a form offers it (plain data: safe to send to a browser). */
export type StandardCommand = {
  type: StandardCommandType;
  label: string;
  description: string;
  fields: readonly CommandField[];
};

export const STANDARD_COMMAND_TYPES = Object.keys(STANDARD) as StandardCommandType[];

export const STANDARD_COMMANDS: readonly StandardCommand[] = STANDARD_COMMAND_TYPES.map((type) => ({
  type,
  label: STANDARD[type].label,
  description: STANDARD[type].description,
  fields: STANDARD[type].fields,
}));

export function isStandardCommandType(type: unknown): type is StandardCommandType {
  return typeof type === 'string' && Object.hasOwn(STANDARD, type);
}

/**
 * A standard command from untrusted input: the type must be one of the list and the payload
 * what that type takes; TTL and idempotency key as for any command. Every bad field at once
 * (`type`, `payload.seconds`, `ttlSeconds`, …), as VALIDATION (→ 422).
 */
export function validateStandardCommand(input: {
  type: unknown;
  payload: unknown;
  ttlSeconds?: unknown;
  idempotencyKey?: unknown;
}): CommandInput & { type: StandardCommandType } {
  const errors: FieldError[] = [];
  let payload: Record<string, unknown> = {};
  if (!isStandardCommandType(input.type)) {
    errors.push({ path: 'type', message: 'choose one of the listed commands' });
  } else {
    const parsed = STANDARD[input.type].payload.safeParse(input.payload ?? {});
    if (parsed.success) payload = parsed.data;
    else {
      for (const e of fieldErrors(parsed.error)) {
        errors.push({ path: e.path ? `payload.${e.path}` : 'payload', message: e.message });
      }
    }
  }
  const rest = CommandInputSchema.safeParse({
    type: isStandardCommandType(input.type) ? input.type : 'ping',
    payload,
    ...(input.ttlSeconds === undefined ? {} : { ttlSeconds: input.ttlSeconds }),
    ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
  });
  if (!rest.success) errors.push(...fieldErrors(rest.error));
  if (errors.length > 0 || !rest.success) {
    throw new DomainError('VALIDATION', 'The command is invalid.', {
      reason: 'invalid_command',
      errors,
    });
  }
  return { ...rest.data, type: input.type as StandardCommandType };
}

/**
 * A standard command from a form's text fields (`payload` by field name): numbers read from
 * their digits, blanks left out (so a required one says "required"), then validateStandardCommand.
 */
export function standardCommandFromForm(form: {
  type: string;
  payload: Readonly<Record<string, string | undefined>>;
  ttlSeconds?: unknown;
  idempotencyKey?: string;
}): CommandInput & { type: StandardCommandType } {
  const fields = isStandardCommandType(form.type) ? STANDARD[form.type].fields : [];
  const payload: Record<string, unknown> = {};
  for (const field of fields as readonly CommandField[]) {
    const text = form.payload[field.name]?.trim() ?? '';
    if (text === '') continue;
    payload[field.name] = field.kind === 'integer' && /^-?\d+$/.test(text) ? Number(text) : text;
  }
  return validateStandardCommand({
    type: form.type,
    payload,
    ttlSeconds: form.ttlSeconds,
    idempotencyKey: form.idempotencyKey,
  });
}
