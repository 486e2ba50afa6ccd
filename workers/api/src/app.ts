import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps, AppEnv } from './deps.js';
import { problemResponse, toProblem } from './lib/problem.js';
import { requestId } from './middleware/request-id.js';
import { services } from './middleware/services.js';
import { wideLog } from './middleware/wide-log.js';
import { registerHealthLive } from './routes/health/live.js';
import { registerHealthReady } from './routes/health/ready.js';
import { registerIngest } from './routes/ingest/post.js';

/**
 * Builds the api. The Worker entry, Node tests and Deno all call this with their own deps, so
 * the code that runs in production is the code the tests run.
 */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({
    // zod failures become the same problem+json as everything else, with field errors.
    defaultHook: (result, c) => {
      if (result.success) return;
      return problemResponse(c, {
        title: 'Invalid request',
        status: 422,
        detail: 'The request has invalid fields.',
        code: 'validation',
        errors: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    },
  });

  app.use(requestId);
  app.use(wideLog(deps));
  app.use(services(deps));

  registerHealthLive(app);
  registerHealthReady(app);
  registerIngest(app);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'AnythingIoT API',
      version: '1.0.0',
      description: 'Cold-chain and IoT fleet monitoring. Errors are RFC 9457 problem+json.',
    },
  });

  app.notFound((c) =>
    problemResponse(c, {
      title: 'Not found',
      status: 404,
      detail: `No route for ${c.req.method} ${c.req.path}.`,
      code: 'not_found',
    }),
  );
  app.onError((err, c) => toProblem(c, err));
  return app;
}
