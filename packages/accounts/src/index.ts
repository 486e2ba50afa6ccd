export { type AnswerScope, afterAnswer, sendQuietly } from './after-answer.js';
export { assertSameOrigin } from './csrf.js';
export {
  type AccountsContext,
  type AccountsDeps,
  type AccountsEnv,
  AccountsEnvSchema,
  accountsDeps,
} from './deps.js';
export { INVITATION_DAYS } from './invitations.js';
export { ACCOUNT_LINK_PATHS, type AccountLink, accountLink } from './links.js';
export { type Mailer, type OutgoingEmail, resendMailer } from './mail/mailer.js';
export {
  type RenderedEmail,
  renderInvitation,
  renderPasswordReset,
  renderSignUpAttempt,
  renderVerifyEmail,
} from './mail/templates.js';
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordErrors } from './password/policy.js';
export {
  DUMMY_PASSWORD_HASH,
  type PasswordHasher,
  SCRYPT_PARAMS,
  type ScryptParams,
  scryptHasher,
} from './password/scrypt.js';
export { type Problem, problemResponse } from './problem.js';
export {
  SESSION_DAYS,
  type SessionAuth,
  type SessionCookieSettings,
  type SessionUser,
  type StartedSession,
  sessionAuth,
  sessionCookieSettings,
  type ValidatedSession,
} from './sessions.js';
export {
  DEFAULT_LOGIN_THROTTLE,
  DEFAULT_SIGNUP_THROTTLE,
  type LoginThrottleConfig,
  loginThrottle,
  type SignUpThrottleConfig,
  tooManyAttempts,
} from './throttle.js';
export { hashToken, isTokenShape, newToken } from './tokens.js';
export {
  type Authentication,
  authenticate,
  type Principal,
  requirePrincipal,
  requireUser,
} from './use-cases/authenticate.js';
export { type LoginInput, type LoginResult, login } from './use-cases/login.js';
export {
  EMAIL_VERIFICATION_HOURS,
  type SignUpInput,
  type SignUpResult,
  signUp,
} from './use-cases/sign-up.js';
export {
  EmailSchema,
  facilityScopeRule,
  invalidLink,
  parseInput,
  passwordRule,
  TimeZoneSchema,
} from './validation.js';
