export {
  createDeviceClient,
  type DeviceClient,
  type DeviceClientOptions,
  type DroppedBatch,
  type FlushResult,
  type FlushStop,
  type RejectedReading,
  type SendResult,
} from './client.js';
export {
  type BufferedReading,
  memoryStore,
  type Reading,
  type ReadingStore,
} from './store.js';
