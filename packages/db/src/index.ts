export {
  createDb,
  createSqlOverHttp,
  type Database,
  type DbConfig,
  type DbHandle,
  type SqlOverHttp,
} from './client.js';
export { type DbEnv, DbEnvSchema, dbConfigFromEnv } from './config.js';
export { accountTokenRepo } from './repos/account-tokens.js';
export { actorNames } from './repos/actor-names.js';
export { alertRuleRepo, ruleFromRow, type StoredAlertRule } from './repos/alert-rules.js';
export {
  alertsAwaitingNotify,
  overdueExcursionChecks,
  silentDevices,
} from './repos/alert-sweep.js';
export {
  type Alert,
  type AlertEvent,
  type AlertFilter,
  type AlertView,
  addAlertEvent,
  alertRepo,
  applyTransition,
  insertAlert,
  lockAlert,
  markNotifyStarted,
  type NewAlert,
  unlinkMergedAlert,
} from './repos/alerts.js';
export {
  type ApiKeyAuth,
  type ApiKeyInfo,
  apiKeyRepo,
  createApiKey,
  findApiKeyAuth,
} from './repos/api-keys.js';
export {
  type AuditFilter,
  appendAudit,
  auditPage,
  type Executor,
  listAudit,
  verifyTenantAudit,
} from './repos/audit.js';
export {
  type Command,
  type CommandChange,
  commandRepo,
  deviceCommandRepo,
  expireDueCommands,
  type NewCommand,
} from './repos/commands.js';
export { type ConnectivityClock, connectivityOf } from './repos/connectivity.js';
export {
  type Delivery,
  type DeliveryChannel,
  type DeliveryFilter,
  type DeliveryStatus,
  deliveryRepo,
  type EscalationStepRecord,
  type NewDelivery,
} from './repos/deliveries.js';
export {
  type Connectivity,
  type Device,
  type DeviceAuth,
  type DeviceCredentialAuth,
  type DeviceFilter,
  type DevicePatch,
  deviceRepo,
  findDeviceAuth,
  type LatestValue,
  type NewDevice,
} from './repos/devices.js';
export {
  type DeviceAlertContext,
  deleteExcursions,
  deviceAlertContext,
  deviceRulesContext,
  type ExcursionRecord,
  excursionFromRow,
  excursionsAround,
  excursionsSince,
  getExcursion,
  insertExcursion,
  linkExcursionAlert,
  loadEvaluationState,
  lockDeviceEvaluation,
  readingPointsSince,
  saveEvaluationState,
  setExcursionCheck,
  updateExcursion,
} from './repos/excursions.js';
export {
  type Facility,
  type FacilityPatch,
  facilityRepo,
  type NewFacility,
} from './repos/facilities.js';
export { type FacilityScope, inFacilities } from './repos/facility-scope.js';
export { type InAppNotification, inAppNotificationRepo } from './repos/in-app-notifications.js';
export {
  invitationAcceptanceRepo,
  type PendingInvitation,
} from './repos/invitation-acceptance.js';
export {
  type ActingMember,
  type Member,
  type MemberChangeMeta,
  memberRepo,
  membershipFacilityIds,
  type PendingInvitationView,
  setMembershipFacilities,
  unknownFacilityErrors,
} from './repos/members.js';
export {
  type NotificationPolicyInput,
  notificationPolicyRepo,
  type StoredNotificationPolicy,
} from './repos/notification-policies.js';
export {
  notificationPrefsRepo,
  prefsFromRow,
  type StoredNotificationPrefs,
} from './repos/notification-preferences.js';
export {
  type FacilityAlertCount,
  type FacilityDeviceSummary,
  overviewRepo,
} from './repos/overview.js';
export { isUniqueViolation, pgErrorCode } from './repos/pg-errors.js';
export {
  ensureReadingPartitions,
  type IngestExecutor,
  type IngestGuard,
  type IngestOutcome,
  type IngestRefusal,
  ingestReadings,
  listSeqGaps,
  type SeqGap,
  type SeqGapSummary,
} from './repos/readings.js';
export { recipientRepo } from './repos/recipients.js';
export {
  type BucketPoint,
  bucketSeries,
  bucketSeriesOfFacility,
  type DeviceBucketPoint,
  type RawPoint,
  rawSeries,
} from './repos/series.js';
export {
  createTenant,
  listTenants,
  type NewTenant,
  type Tenant,
  tenantPreferences,
} from './repos/tenants.js';
export {
  type ActiveMembership,
  activeMembership,
  activeTenantIds,
  auditForUser as auditUserEvent,
  findUserByEmail,
  type Profile,
  type UserAuditEntry,
  type UserRow,
  type UserTenant,
  userRepo,
} from './repos/users.js';
export {
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
  webhookEndpointRepo,
} from './repos/webhook-endpoints.js';
export * as schema from './schema/index.js';
