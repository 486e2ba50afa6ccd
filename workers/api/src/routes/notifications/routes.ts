import type { App } from '../../app-type.js';
import { registerDeliverJob } from '../jobs/deliver.js';
import { registerDeliverFailedJob } from '../jobs/deliver-failed.js';
import { registerEscalateJob } from '../jobs/escalate.js';

/** Everything notifications add to the app: the QStash jobs and the tenant API. */
export function registerNotificationRoutes(app: App) {
  registerEscalateJob(app);
  registerDeliverJob(app);
  registerDeliverFailedJob(app);
}
