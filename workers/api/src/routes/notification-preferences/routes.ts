import { ClockTimeSchema, UserChannelSchema } from '@anythingiot/core';
import { getPreferences, putPreferences } from '@anythingiot/services';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app-type.js';
import { authorize } from '../../auth/authorize.js';
import { API_KEY_SECURITY, INVALID, NOT_FOUND, TENANT_ROUTE_ERRORS } from '../openapi-common.js';

const tags = ['notification preferences'];
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const params = z.object({
  userId: z
    .string()
    .openapi({ param: { name: 'userId', in: 'path' }, example: 'usr_0123456789abcdefghjk' }),
});

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const PrefsBodySchema = z
  .object({
    channels: z
      .array(UserChannelSchema)
      .refine((c) => new Set(c).size === c.length, 'channels must not repeat'),
    quietHours: z.object({ start: ClockTimeSchema, end: ClockTimeSchema }).nullable().openapi({
      description:
        'Daily, in timeZone; mutes email and SMS for info and warning alerts, never for critical. end < start spans midnight; start = end is all day.',
    }),
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin'),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 number such as +447700900123')
      .nullable(),
  })
  .strict()
  .openapi('NotificationPreferencesInput');

const PrefsSchema = PrefsBodySchema.extend({
  isDefault: z.boolean().openapi({ description: 'True while the user has set none' }),
  updatedAt: z.string().nullable(),
}).openapi('NotificationPreferences');

type Prefs = Awaited<ReturnType<typeof getPreferences>>;
const present = (p: Prefs): z.infer<typeof PrefsSchema> => ({
  channels: p.channels,
  quietHours: p.quietHours,
  timeZone: p.timeZone,
  phone: p.phone,
  isDefault: p.isDefault,
  updatedAt: p.updatedAt ? p.updatedAt.toISOString() : null,
});

const get = createRoute({
  method: 'get',
  path: '/v1/users/{userId}/notification-preferences',
  tags,
  summary: 'A user’s notification preferences (defaults: email and in-app)',
  middleware: [authorize('alerts:read')] as const,
  security: API_KEY_SECURITY,
  request: { params },
  responses: {
    200: { description: 'Preferences', ...json(PrefsSchema) },
    ...NOT_FOUND,
    ...TENANT_ROUTE_ERRORS,
  },
});

const put = createRoute({
  method: 'put',
  path: '/v1/users/{userId}/notification-preferences',
  tags,
  summary: 'Set a user’s notification preferences (audited)',
  middleware: [authorize('alerts:write')] as const,
  security: API_KEY_SECURITY,
  request: { params, body: { required: true, ...json(PrefsBodySchema) } },
  responses: {
    200: { description: 'Saved', ...json(PrefsSchema) },
    ...NOT_FOUND,
    ...INVALID,
    ...TENANT_ROUTE_ERRORS,
  },
});

export function registerNotificationPreferenceRoutes(app: App) {
  app.openapi(get, async (c) => {
    return c.json(
      present(await getPreferences({ ctx: c.var.ctx, input: c.req.valid('param') })),
      200,
    );
  });
  app.openapi(put, async (c) => {
    const saved = await putPreferences({
      ctx: c.var.ctx,
      input: { userId: c.req.valid('param').userId, ...c.req.valid('json') },
    });
    return c.json(present(saved), 200);
  });
}
