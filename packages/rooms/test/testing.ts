// Node clients of the rooms' protocols, for tests and the benches (`@anythingiot/rooms/testing`).
export * from './device-room-client.js';
export * from './room-client.js';
