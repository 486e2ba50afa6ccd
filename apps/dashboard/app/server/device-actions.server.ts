// The device page's forms: details (update), rotate the secret, revoke, send a command. The
// route checks the intent and its permission (`requireMemberIntent`); each answer is tagged
// with its intent so the page shows it on the form that was sent.

import { type Action, DomainError, parseTagList, validateDevicePatch } from '@anythingiot/core';
import type { Device, DevicePatch } from '@anythingiot/db';
import {
  getDevice,
  getTenantPreferences,
  revokeDevice,
  rotateDeviceSecret,
  updateDevice,
} from '@anythingiot/services';
import { json } from '@remix-run/cloudflare';
import { GRACE_CHOICES } from '~/ui/device/grace';
import { problemOf } from '~/ui/problem';
import { formatDateTime } from '~/ui/time';
import { sendDeviceCommand } from './commands.server';
import { formFailure, type Member } from './guard.server';
import { tenantCtx } from './tenant-ctx.server';

/** Each form of the device page and the permission it needs. */
export const DEVICE_INTENTS = {
  update: 'device.write',
  rotate: 'device.rotate',
  revoke: 'device.revoke',
  command: 'device.command',
} as const satisfies Record<string, Action>;
export type DeviceIntent = keyof typeof DEVICE_INTENTS;

/** Runs the form `intent` (already checked) on device `id`; a refusal is shown on that form. */
export async function deviceAction(
  { member, form, intent }: { member: Member; form: FormData; intent: DeviceIntent },
  id: string,
) {
  const ctx = tenantCtx(member);
  try {
    switch (intent) {
      case 'update': {
        const { device } = await getDevice({ ctx, input: { id } });
        const patch = changes(device, form);
        if (Object.keys(patch).length > 0) await updateDevice({ ctx, input: { id, patch } });
        return json({ intent: 'update' as const, saved: Object.keys(patch).length > 0 });
      }
      case 'rotate': {
        const grace = Number(form.get('graceSeconds'));
        if (!GRACE_CHOICES.some((c) => c.seconds === grace)) {
          throw new DomainError(
            'VALIDATION',
            'Choose how long the previous secret keeps working.',
            {
              errors: [{ path: 'graceSeconds', message: 'choose one of the offered periods' }],
            },
          );
        }
        const rotated = await rotateDeviceSecret({ ctx, input: { id, graceSeconds: grace } });
        // The secret is in this answer only: no cache (browser, proxy) may keep it.
        return json(
          {
            intent: 'rotate' as const,
            secret: rotated.secret,
            previousValidUntil: formatDateTime(
              rotated.previousSecretValidUntil.toISOString(),
              (await getTenantPreferences({ ctx })).timeZone,
            ),
            graceSeconds: grace,
          },
          { headers: { 'cache-control': 'no-store' } },
        );
      }
      case 'revoke': {
        if (form.get('confirm') !== 'yes') {
          throw new DomainError('VALIDATION', 'Confirm that the device should be revoked.', {
            errors: [{ path: 'confirm', message: 'confirm to revoke' }],
          });
        }
        await revokeDevice({ ctx, input: { id } });
        return json({ intent: 'revoke' as const, revoked: true });
      }
      case 'command':
        return json({ intent: 'command' as const, ...(await sendDeviceCommand(member, id, form)) });
    }
  } catch (err) {
    return refused(err, member.app, intent);
  }
}

/** The fields of the details form that differ from the device, validated like the api's. */
function changes(device: Device, form: FormData): DevicePatch {
  const name = String(form.get('name') ?? '');
  const tags = parseTagList(String(form.get('tags') ?? ''));
  const facility = String(form.get('facilityId') ?? '');
  const input = {
    name,
    tags,
    facilityId: facility === '' ? null : facility,
  };
  // Validate everything typed (every field error at once), then keep what changed.
  const valid = validateDevicePatch(input);
  const patch: DevicePatch = {};
  if (valid.name !== undefined && valid.name !== device.name) patch.name = valid.name;
  if (valid.tags !== undefined && valid.tags.join('\n') !== device.tags.join('\n')) {
    patch.tags = valid.tags;
  }
  if (valid.facilityId !== undefined && valid.facilityId !== device.facilityId) {
    patch.facilityId = valid.facilityId;
  }
  return patch;
}

/** A refused form, tagged with the form it came from so the page shows it there. */
async function refused(err: unknown, app: Member['app'], intent: DeviceIntent) {
  const failure = await formFailure(err, app);
  const body = (await failure.json()) as { problem: unknown };
  return json(
    { intent, problem: problemOf(body.problem) },
    { status: failure.status, headers: failure.headers },
  );
}
