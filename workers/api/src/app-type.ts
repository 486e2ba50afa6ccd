import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './deps.js';

/** The app every `register…(app)` function adds its routes to. */
export type App = OpenAPIHono<AppEnv>;
