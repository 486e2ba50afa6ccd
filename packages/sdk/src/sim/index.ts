export { formatEvent, formatSummary } from './format.js';
export {
  createDeviceModel,
  DEVICE_KINDS,
  type DeviceKind,
  type DeviceModel,
  type DeviceModelOptions,
  KIND_PROFILES,
  type KindProfile,
  type ModelState,
  type SimReading,
} from './model.js';
export { createRng, deviceSeed, type Rng } from './rng.js';
export {
  alignToInterval,
  type DeviceState,
  memoryDeviceState,
  runSimulation,
  type SimDevice,
  type SimEvent,
  type SimOptions,
  type SimSummary,
} from './run.js';
export {
  type Dropout,
  EMPTY_SCENARIO,
  type Excursion,
  excursionOffset,
  excursionRampMs,
  isOffline,
  parseDropoutSpec,
  parseDuration,
  parseExcursionSpec,
  parseScenario,
  type Scenario,
} from './scenario.js';
