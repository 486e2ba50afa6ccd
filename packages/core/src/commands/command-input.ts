import { z } from 'zod';
import { validateWith } from '../errors/validate-with.js';

/** A command waits at most a week for its device; an hour unless told. */
export const MAX_COMMAND_TTL_SECONDS = 7 * 86_400;
export const DEFAULT_COMMAND_TTL_SECONDS = 3_600;
/** The payload travels in ingest answers and room frames: kept small. */
export const MAX_COMMAND_PAYLOAD_BYTES = 8 * 1024;
/** At most this many devices per bulk command (one transaction). */
export const MAX_BULK_COMMAND_DEVICES = 1_000;

const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/**
 * A command for a device: what to do (`type`, e.g. `ping`, `set_report_interval`), its
 * arguments, how long it may wait for the device, and an optional idempotency key: the same key
 * for the same device returns the command the first request created instead of a second one.
 */
export const CommandInputSchema = z
  .object({
    type: z
      .string()
      .regex(
        /^[a-z][a-z0-9_.-]{0,63}$/,
        'lowercase letters, digits, "_", "." or "-", starting with a letter, at most 64',
      ),
    payload: z
      .record(z.string(), z.unknown())
      .default({})
      .refine(
        (p) => jsonBytes(p) <= MAX_COMMAND_PAYLOAD_BYTES,
        `at most ${MAX_COMMAND_PAYLOAD_BYTES} bytes of JSON`,
      ),
    ttlSeconds: z
      .number({ error: 'must be a whole number of seconds' })
      .int('must be a whole number of seconds')
      .min(1, 'at least 1 second')
      .max(MAX_COMMAND_TTL_SECONDS, `at most ${MAX_COMMAND_TTL_SECONDS} seconds (7 days)`)
      .default(DEFAULT_COMMAND_TTL_SECONDS),
    idempotencyKey: z
      .string()
      .regex(/^[\x21-\x7e]{1,128}$/, '1 to 128 visible ASCII characters')
      .optional(),
  })
  .strict();
export type CommandInput = z.infer<typeof CommandInputSchema>;

/** A command from untrusted input (a form, a JSON body); throws VALIDATION (→ 422). */
export const validateCommandInput = (input: unknown): CommandInput =>
  validateWith(CommandInputSchema, input, 'command');

/** How the device reports the outcome of a command, over HTTP or its room connection. */
export const CommandResultSchema = z
  .object({
    commandId: z.string().min(1).max(64),
    /** Explicit outcome; without it, a non-null `error` means failed, anything else completed. */
    status: z.enum(['completed', 'failed']).optional(),
    /** What the device answers (any JSON, at most 8 KiB). */
    response: z
      .unknown()
      .optional()
      .refine(
        (r) => r === undefined || jsonBytes(r) <= MAX_COMMAND_PAYLOAD_BYTES,
        `at most ${MAX_COMMAND_PAYLOAD_BYTES} bytes of JSON`,
      ),
    error: z.string().max(1_000).nullable().optional(),
  })
  .strict();
export type CommandResult = z.infer<typeof CommandResultSchema>;

/** The outcome a result reports: its `status`, or failed when it carries an error. */
export function resultOutcome(result: CommandResult): 'completed' | 'failed' {
  return result.status ?? (result.error ? 'failed' : 'completed');
}

/** Progress of a long command (e.g. a firmware update), 0–100. */
export const CommandProgressSchema = z
  .object({
    commandId: z.string().min(1).max(64),
    progress: z.number().min(0).max(100),
    /** A word for the phase, e.g. `downloading`, `installing`. */
    status: z.string().max(40).optional(),
  })
  .strict();
export type CommandProgress = z.infer<typeof CommandProgressSchema>;
