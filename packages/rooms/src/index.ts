export {
  type AdmittedDevice,
  admitDevice,
  CONNECT_PARAMS,
  DEVICE_AUTH_HEADER,
  type DeviceAuthenticator,
} from './device/device-admission.js';
export {
  CREDENTIAL_RECHECK_MS,
  type CredentialStatus,
  DEVICE_ROOM_CLOSE,
  DEVICE_ROOM_FRAMES_PER_MINUTE,
  type DeviceRoomPorts,
  DeviceRoomServer,
  type StoredTelemetry,
} from './device/device-room.js';
export {
  type DeviceRoomNamespace,
  deviceDownlink,
  type RoomNamespace,
  roomPublisher,
} from './publisher.js';
export { type RoomRouting, routeRooms } from './router.js';
export { admissionRefusal, TOKEN_PARAM, tokenFromUrl } from './tenant/admission.js';
export { CLOSE, FLOW, TenantRoom, type TenantRoomEnv } from './tenant/tenant-room.js';
