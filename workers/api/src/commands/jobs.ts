// Where command expiry is scheduled and called back: shared with the dashboard, which schedules
// the expiry of the commands it creates the same way (packages/services).
export {
  COMMAND_EXPIRY_PATH,
  type CommandExpiryJob,
  scheduleCommandExpiry,
} from '@anythingiot/services';
