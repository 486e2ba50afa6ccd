import type { App } from '../../app-type.js';
import { registerDeliveryRoutes } from '../deliveries/routes.js';
import { registerDeliverJob } from '../jobs/deliver.js';
import { registerDeliverFailedJob } from '../jobs/deliver-failed.js';
import { registerEscalateJob } from '../jobs/escalate.js';
import { registerNotificationPolicyRoutes } from '../notification-policies/routes.js';
import { registerNotificationPreferenceRoutes } from '../notification-preferences/routes.js';
import { registerWebhookEndpointRoutes } from '../webhook-endpoints/routes.js';
import { registerInAppRoutes } from './in-app.js';

/** Everything notifications add to the app: the QStash jobs and the tenant API. */
export function registerNotificationRoutes(app: App) {
  registerEscalateJob(app);
  registerDeliverJob(app);
  registerDeliverFailedJob(app);
  registerNotificationPolicyRoutes(app);
  registerWebhookEndpointRoutes(app);
  registerNotificationPreferenceRoutes(app);
  registerDeliveryRoutes(app);
  registerInAppRoutes(app);
}
