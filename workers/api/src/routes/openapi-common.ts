import { z } from '@hono/zod-openapi';

/** RFC 9457 problem details, as every error is answered. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.string().openapi({ example: 'invalid_credential' }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** The answers every API-key route can give besides its own. */
export const TENANT_ROUTE_ERRORS = {
  401: problem('No API key, or one that is unknown, revoked or expired'),
  403: problem('The API key lacks the scope this route needs'),
  429: problem('Too many requests with this API key; see Retry-After'),
  503: problem('Storage unavailable; see Retry-After'),
} as const;

export const NOT_FOUND = { 404: problem('Not found in this tenant') } as const;
export const INVALID = { 422: problem('Invalid fields; see `errors`') } as const;
export const CONFLICT = { 409: problem('The change conflicts with the current state') } as const;

/** Security requirement for routes authenticated with a tenant API key. */
export const API_KEY_SECURITY = [{ apiKey: [] }];

/** `:id` path parameter of a resource. */
export const idParam = (example: string) =>
  z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example }) });

/** A JSON content block (a response's or a request body's). */
export const json = <T extends z.ZodType>(schema: T) => ({
  content: { 'application/json': { schema } },
});

/** A required JSON request body, spread into a route's `request`. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, ...json(schema) },
});

/** `limit` and `cursor` of a paged list: spread at the end of a list route's query object. */
export const PAGE_QUERY = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
};

/** Secrets in a body must not sit in any cache on the way. */
export const NO_STORE = { 'cache-control': 'no-store' } as const;
