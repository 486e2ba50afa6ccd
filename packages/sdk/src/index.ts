export {
  ChannelError,
  connectDeviceChannel,
  type DeviceChannel,
  type DeviceChannelOptions,
  type TelemetryAck,
  type WebSocketConstructor,
  type WebSocketLike,
} from './channel.js';
export {
  type CommandReport,
  type CommandReportOutcome,
  createDeviceClient,
  type DeviceClient,
  type DeviceClientOptions,
  type DroppedBatch,
  type FlushResult,
  type FlushStop,
  type RejectedReading,
  type ReportResult,
  type SendResult,
} from './client.js';
export {
  type CommandHandler,
  type CommandReporter,
  type CommandRunner,
  type CommandRunnerOptions,
  createCommandRunner,
  httpReporter,
  type ReportOutcome,
} from './commands.js';
export {
  type BufferedReading,
  memoryStore,
  type Reading,
  type ReadingStore,
} from './store.js';
