import type { ServicePorts } from '@anythingiot/services';
import { commandNotifier } from './commands/notifier.js';
import type { AppDeps } from './deps.js';

/** The slice of the api's deps the shared use cases get. */
export const servicePorts = (deps: AppDeps): ServicePorts => ({
  keyring: () => deps.keyring(),
  now: () => deps.now(),
  offlineFactor: deps.alerts.offlineFactor,
  redis: deps.redis,
  log: (event) => deps.log(event),
  commands: commandNotifier(deps),
  live: deps.live,
});
