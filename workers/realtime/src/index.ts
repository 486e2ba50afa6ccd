export { type Lobby, routePartykitRequest } from 'partyserver';
export { admissionRefusal, TOKEN_PARAM, tokenFromUrl } from './admission.js';
export { CLOSE, FLOW, TenantRoom, type TenantRoomEnv } from './tenant-room.js';
