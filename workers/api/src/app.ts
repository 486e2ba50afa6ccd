import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps, AppEnv } from './deps.js';
import { problemResponse, toProblem } from './lib/problem.js';
import { requestId } from './middleware/request-id.js';
import { services } from './middleware/services.js';
import { wideLog } from './middleware/wide-log.js';
import { registerAlertRuleRoutes } from './routes/alert-rules/routes.js';
import { registerAcknowledgeAlert } from './routes/alerts/acknowledge.js';
import { registerGetAlert } from './routes/alerts/get.js';
import { registerListAlerts } from './routes/alerts/list.js';
import { registerResolveAlert } from './routes/alerts/resolve.js';
import { registerCreateApiKey } from './routes/api-keys/create.js';
import { registerListApiKeys } from './routes/api-keys/list.js';
import { registerRevokeApiKey } from './routes/api-keys/revoke.js';
import { registerCreateCommand } from './routes/commands/create.js';
import { registerCreateFacilityCommands } from './routes/commands/create-for-facility.js';
import { registerGetCommand } from './routes/commands/get.js';
import { registerListDeviceCommands } from './routes/commands/list.js';
import { registerReportCommands } from './routes/commands/report.js';
import { registerCreateDevice } from './routes/devices/create.js';
import { registerGetDevice } from './routes/devices/get.js';
import { registerListDevices } from './routes/devices/list.js';
import { registerGetReadings } from './routes/devices/readings.js';
import { registerRevokeDevice } from './routes/devices/revoke.js';
import { registerRotateDeviceSecret } from './routes/devices/rotate-secret.js';
import { registerUpdateDevice } from './routes/devices/update.js';
import { registerDocs } from './routes/docs/docs.js';
import { registerHealthLive } from './routes/health/live.js';
import { registerHealthReady } from './routes/health/ready.js';
import { registerIngest } from './routes/ingest/post.js';
import { registerAlertJobs } from './routes/jobs/alert-jobs.js';
import { registerCommandExpiryJob } from './routes/jobs/command-expiry.js';
import { registerEnsurePartitionsJob } from './routes/jobs/ensure-partitions.js';
import { registerNotificationRoutes } from './routes/notifications/routes.js';

const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'AnythingIoT API',
    version: '1.0.0',
    description:
      'Cold-chain and IoT fleet monitoring. Devices post signed readings to `/v1/ingest`; integrations manage devices and keys with a tenant API key. Errors are RFC 9457 problem+json with a machine-readable `code`.',
  },
};

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
  // Before the /v1/devices/{id}/… routes, so `commands` is never taken for a device id.
  registerReportCommands(app);
  registerEnsurePartitionsJob(app);
  registerAlertJobs(app);
  registerCommandExpiryJob(app);
  registerCreateDevice(app);
  registerListDevices(app);
  registerGetDevice(app);
  registerGetReadings(app);
  registerUpdateDevice(app);
  registerRotateDeviceSecret(app);
  registerRevokeDevice(app);
  registerAlertRuleRoutes(app);
  registerListAlerts(app);
  registerGetAlert(app);
  registerAcknowledgeAlert(app);
  registerResolveAlert(app);
  registerCreateApiKey(app);
  registerListApiKeys(app);
  registerRevokeApiKey(app);
  registerCreateCommand(app);
  registerCreateFacilityCommands(app);
  registerListDeviceCommands(app);
  registerGetCommand(app);
  registerNotificationRoutes(app);

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A tenant API key: `Authorization: Bearer aik_…`',
  });
  app.doc31('/openapi.json', OPENAPI_INFO);
  registerDocs(app, OPENAPI_INFO);

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
