export { acceptInvitation } from './accounts/accept-invitation.js';
export { acceptInvitationNewAccount } from './accounts/accept-invitation-new-account.js';
export {
  type AccountCtx,
  type AccountPorts,
  accountCtx,
  type PrincipalCtx,
  type UserCtx,
} from './accounts/account-ctx.js';
export { getProfile } from './accounts/get-profile.js';
export { listTenants, type UserTenant } from './accounts/list-tenants.js';
export { logout } from './accounts/logout.js';
export { logoutEverywhere } from './accounts/logout-everywhere.js';
export { requestEmailVerification } from './accounts/request-email-verification.js';
export {
  PASSWORD_RESET_ANSWER,
  PASSWORD_RESET_EMAILS_PER_HOUR,
  PASSWORD_RESET_MINUTES,
  requestPasswordReset,
} from './accounts/request-password-reset.js';
export { resetPassword } from './accounts/reset-password.js';
export { switchTenant } from './accounts/switch-tenant.js';
export { updateProfile } from './accounts/update-profile.js';
export { verifyEmail } from './accounts/verify-email.js';
export { type InvitationView, viewInvitation } from './accounts/view-invitation.js';
export { nameActors } from './actors/name-actors.js';
export { alertNotFound } from './alerts/alert-errors.js';
export { acknowledge, resolve } from './alerts/change-alert.js';
export { type CheckOutcome, checkExcursion } from './alerts/check-excursion.js';
export {
  type AlertPorts,
  EVALUATOR,
  type EvaluationResult,
  evaluateReadings,
} from './alerts/evaluate-readings.js';
export { getAlert } from './alerts/get-alert.js';
export { handOff } from './alerts/hand-off.js';
export { alertsSweepJob, type ExcursionCheckJob, excursionCheckJob } from './alerts/jobs.js';
export { listAlerts } from './alerts/list-alerts.js';
export {
  archiveAlertRule,
  createAlertRule,
  getAlertRule,
  listAlertRules,
  updateAlertRule,
} from './alerts/manage-alert-rules.js';
export { type SweepOutcome, sweepAlerts } from './alerts/sweep-alerts.js';
export { createApiKey } from './api-keys/create-api-key.js';
export { listApiKeys } from './api-keys/list-api-keys.js';
export { revokeApiKey } from './api-keys/revoke-api-key.js';
export {
  AUDIT_CSV_HEADER,
  exportAuditCsv,
  MAX_EXPORT_ROWS,
} from './audit/export-audit-csv.js';
export { type AuditEntry, type AuditQuery, listAuditLog } from './audit/list-audit-log.js';
export { commandNotFound } from './commands/command-errors.js';
export {
  type CommandNotifierDeps,
  commandNotifier,
  commandStatusEvents,
  type DeviceDownlink,
  facilitiesOverHttp,
  scheduleCommandExpiry,
} from './commands/command-notifier.js';
export { createCommand } from './commands/create-command.js';
export { createFacilityCommands } from './commands/create-facility-commands.js';
export {
  type CommandReportOutcome,
  claimCommands,
  MAX_COMMANDS_PER_DELIVERY,
  reportCommands,
  toDelivered,
} from './commands/device-commands.js';
export { EXPIRY_BATCH, expireCommands } from './commands/expire-commands.js';
export { countFacilityCommandTargets } from './commands/facility-command-targets.js';
export { getCommand } from './commands/get-command.js';
export { type CommandExpiryJob, commandExpiryJob } from './commands/jobs.js';
export { listDeviceCommands } from './commands/list-device-commands.js';
export {
  auditMeta,
  type CommandNotifier,
  type DeviceCtx,
  type ForgettingCache,
  type ServicePorts,
  type SystemCtx,
  type TenantCtx,
} from './context.js';
export { createDevice } from './devices/create-device.js';
export { deviceNotFound } from './devices/device-errors.js';
export { type DeviceDetail, getDevice } from './devices/get-device.js';
export {
  type FacilityReadings,
  type FacilityReadingsQuery,
  getFacilityReadings,
  MAX_FACILITY_SERIES,
} from './devices/get-facility-readings.js';
export {
  getReadings,
  MAX_RAW_POINTS,
  type ReadingSeries,
  type ReadingsQuery,
  type SeriesPoint,
} from './devices/get-readings.js';
export {
  type Connectivity,
  type DeviceState,
  listDeviceStates,
} from './devices/list-device-states.js';
export { type ListDevicesInput, listDevices } from './devices/list-devices.js';
export { revokeDevice } from './devices/revoke-device.js';
export { rotateDeviceSecret } from './devices/rotate-device-secret.js';
export { updateDevice } from './devices/update-device.js';
export { createFacility } from './facilities/create-facility.js';
export { facilityNotFound } from './facilities/facility-errors.js';
export { getFacility } from './facilities/get-facility.js';
export { listFacilities } from './facilities/list-facilities.js';
export { updateFacility } from './facilities/update-facility.js';
export {
  DEVICE_AUTH_TTL_SECONDS,
  forgetDeviceAuth,
  invalidateDeviceAuth,
} from './ingest/credential-cache.js';
export { ensurePartitions } from './ingest/ensure-partitions.js';
export {
  type AuthenticatedDevice,
  authenticateDevice,
  deviceCtx,
  type IngestAnswer,
  type IngestInput,
  type IngestResult,
  ingest,
  type StoredBatch,
  storeBatch,
} from './ingest/ingest.js';
export { ensurePartitionsJob } from './ingest/jobs.js';
export type { IngestCtx, IngestPorts } from './ingest/ports.js';
export { optionalRedis } from './ingest/redis-guard.js';
export { JOBS, jobSchedules } from './jobs/catalog.js';
export {
  type AnyJobDefinition,
  defineJob,
  type JobBody,
  type JobDefinition,
  type PublishOptions,
} from './jobs/define-job.js';
export {
  type JobQueue,
  type QStashPublisher,
  type QStashPublishRequest,
  qstashJobs,
} from './jobs/qstash-jobs.js';
export { decodeCursor, encodeCursor } from './lib/page-cursor.js';
export { liveAlert, liveAlertEvent, transitionChange } from './live/alert-events.js';
export { issueRoomToken, type RoomTicket, tenantRoomPath } from './live/issue-room-token.js';
export { type ChangeRoleInput, changeRole } from './members/change-role.js';
export { deactivateMembership } from './members/deactivate-membership.js';
export { type InviteUserInput, inviteUser } from './members/invite-user.js';
export { listInvitations } from './members/list-invitations.js';
export { listMembers } from './members/list-members.js';
export type { MemberCtx, MemberPorts } from './members/member-ctx.js';
export { revokeInvitation } from './members/revoke-invitation.js';
export { dohResolver } from './notifications/channels/doh-resolver.js';
export { httpWebhook } from './notifications/channels/http-webhook.js';
export { type ResendConfig, resendEmail } from './notifications/channels/resend-email.js';
export { SEND_TIMEOUT_MS, SendError } from './notifications/channels/send-error.js';
export { type SmsConfig, twilioSms } from './notifications/channels/twilio-sms.js';
export { type DeliverOutcome, DeliveryFailed, deliver } from './notifications/deliver.js';
export { type EscalationOutcome, escalate } from './notifications/escalate.js';
export { listInApp, markInAppRead } from './notifications/in-app.js';
export {
  DELIVER_FAILED_JOB_PATH,
  DELIVER_JOB_PATH,
  type DeliverJob,
  DeliverJobSchema,
  deliverFailedJob,
  deliverJob,
  ESCALATE_JOB_PATH,
  type EscalateJob,
  EscalateJobSchema,
  escalateJob,
  type NotificationJobs,
  notificationJobs,
} from './notifications/jobs.js';
export { getDelivery, listDeliveries } from './notifications/list-deliveries.js';
export {
  createPolicy,
  deletePolicy,
  getPolicy,
  listPolicies,
  replacePolicy,
} from './notifications/manage-policies.js';
export {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  newWebhookSecret,
  setWebhookEndpointEnabled,
} from './notifications/manage-webhook-endpoints.js';
export { markDeliveryDead } from './notifications/mark-delivery-dead.js';
export type { NotificationJobCtx, NotificationPorts } from './notifications/ports.js';
export { getPreferences, type PrefsInput, putPreferences } from './notifications/preferences.js';
export { startEscalation } from './notifications/start-escalation.js';
export {
  checkWebhookDestination,
  STRICT_WEBHOOK_DESTINATIONS,
  UnresolvedDestination,
  type WebhookDestinations,
} from './notifications/webhook-destinations.js';
export { type FacilityTile, getOverview, type Overview } from './overview/get-overview.js';
export { getTenantPreferences } from './tenant/get-preferences.js';
