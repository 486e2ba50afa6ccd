export type { CaughtMessage, RunningCatcher } from './catcher/index.js';
export { startCatcher } from './catcher/index.js';
export * from './devstack.js';
export { type RunningNeonProxy, startNeonProxy } from './neon-proxy/index.js';
export { type ListenOptions, PortInUseError, type RunningService } from './net/listen.js';
export { assertPortFree, freePort, type RunningPostgres, startPostgres } from './postgres/index.js';
export { type RunningQStash, startQStashEmulator } from './qstash/index.js';
export { type RunningRedis, startRedisEmulator } from './redis/index.js';
export { type RunningWorker, startWranglerDev, stopChild } from './worker/wrangler-dev.js';
