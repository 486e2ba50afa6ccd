import { type Database, schema } from '@anythingiot/db';
import { DrizzlePostgreSQLAdapter } from '@lucia-auth/adapter-drizzle';
import { Lucia, TimeSpan } from 'lucia';
import { hashToken, isTokenShape, newToken } from './tokens.js';

/** Cookie settings the dashboard needs to set, read and clear the session cookie itself. */
export type SessionCookieSettings = {
  name: string;
  attributes: { httpOnly: true; sameSite: 'lax'; secure: boolean; path: '/' };
};

export const SESSION_DAYS = 30;

/**
 * HttpOnly, SameSite=Lax and Secure — except when the app itself is served over plain http
 * from localhost/127.0.0.1 (`npm run dev`), where browsers would drop a Secure cookie. With
 * Secure the name takes the `__Host-` prefix, which pins the cookie to this exact host and path.
 */
export function sessionCookieSettings(appUrl: string): SessionCookieSettings {
  const url = new URL(appUrl);
  const local =
    url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  const secure = !local;
  return {
    name: secure ? '__Host-aiot_session' : 'aiot_session',
    attributes: { httpOnly: true, sameSite: 'lax', secure, path: '/' },
  };
}

type UserRow = typeof schema.users.$inferSelect;
type SessionRow = typeof schema.sessions.$inferSelect;

function createLucia(db: Database, cookie: SessionCookieSettings) {
  return new Lucia(new DrizzlePostgreSQLAdapter(db, schema.sessions, schema.users), {
    sessionExpiresIn: new TimeSpan(SESSION_DAYS, 'd'),
    sessionCookie: {
      name: cookie.name,
      expires: true,
      attributes: { sameSite: 'lax', secure: cookie.attributes.secure, path: '/' },
    },
    getSessionAttributes: (a) => ({ activeTenantId: a.activeTenantId, mustRotate: a.mustRotate }),
    // Only what a page may show: never the password hash.
    getUserAttributes: (a) => ({
      email: a.email,
      name: a.name,
      emailVerified: a.emailVerifiedAt !== null,
      disabled: a.disabledAt !== null,
    }),
  });
}

declare module 'lucia' {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseSessionAttributes: Pick<SessionRow, 'activeTenantId'> &
      Partial<Pick<SessionRow, 'mustRotate'>>;
    DatabaseUserAttributes: UserRow;
  }
}

/** The signed-in person behind a valid session. */
export type SessionUser = {
  userId: string;
  email: string;
  name: string;
  emailVerified: boolean;
  /** The stored session id (SHA-256 of the cookie's token). */
  sessionId: string;
  activeTenantId: string | null;
};

export type StartedSession = {
  token: string;
  sessionId: string;
  /** A complete `Set-Cookie` header value. */
  cookie: string;
  expiresAt: Date;
};

export type ValidatedSession = {
  user: SessionUser;
  /** The token to use from now on (differs from the presented one after a rotation). */
  token: string;
  /** Set when the browser must receive a new cookie (extended or rotated session). */
  setCookie: string | null;
};

/**
 * lucia v3 sessions whose stored id is the SHA-256 of the cookie token (lucia is given the
 * hash as session id; the token only ever lives in the cookie). Rotation = a new session for
 * the same user and tenant, then the old one deleted.
 */
export function sessionAuth(db: Database, appUrl: string) {
  const cookie = sessionCookieSettings(appUrl);
  const lucia = createLucia(db, cookie);

  async function start(userId: string, activeTenantId: string | null): Promise<StartedSession> {
    const { token, hash } = newToken();
    const session = await lucia.createSession(userId, { activeTenantId }, { sessionId: hash });
    return {
      token,
      sessionId: session.id,
      cookie: lucia.createSessionCookie(token).serialize(),
      expiresAt: session.expiresAt,
    };
  }

  return {
    cookie,
    lucia,
    start,
    /** The session token from a `Cookie` header, or null. */
    readToken(cookieHeader: string | null): string | null {
      return cookieHeader ? lucia.readSessionCookie(cookieHeader) : null;
    },
    /** The session's user, extending or rotating the session as needed; null when invalid. */
    async validate(token: string | null): Promise<ValidatedSession | null> {
      if (!isTokenShape(token)) return null;
      const { session, user } = await lucia.validateSession(hashToken(token));
      if (!session) return null;
      if (user.disabled) {
        await lucia.invalidateSession(session.id);
        return null;
      }
      let current = { token, sessionId: session.id, setCookie: null as string | null };
      if (session.mustRotate) {
        const next = await start(user.id, session.activeTenantId);
        await lucia.invalidateSession(session.id);
        current = { token: next.token, sessionId: next.sessionId, setCookie: next.cookie };
      } else if (session.fresh) {
        current.setCookie = lucia.createSessionCookie(token).serialize();
      }
      return {
        token: current.token,
        setCookie: current.setCookie,
        user: {
          userId: user.id,
          email: user.email,
          name: user.name,
          emailVerified: user.emailVerified,
          sessionId: current.sessionId,
          activeTenantId: session.activeTenantId,
        },
      };
    },
    /** Replaces a session by a new one for the same user (login, privilege or tenant change). */
    async rotate(
      oldSessionId: string | null,
      userId: string,
      activeTenantId: string | null,
    ): Promise<StartedSession> {
      const next = await start(userId, activeTenantId);
      if (oldSessionId) await lucia.invalidateSession(oldSessionId);
      return next;
    },
    /** Deletes one session by its stored id. */
    invalidate: (sessionId: string) => lucia.invalidateSession(sessionId),
    /** Deletes every session of the user (logout everywhere, password reset). */
    invalidateUser: (userId: string) => lucia.invalidateUserSessions(userId),
    /** Deletes expired sessions (lucia extends active ones); for a scheduled job. */
    purgeExpired: () => lucia.deleteExpiredSessions(),
    /** A `Set-Cookie` value that clears the cookie. */
    blankCookie: () => lucia.createBlankSessionCookie().serialize(),
  };
}

export type SessionAuth = ReturnType<typeof sessionAuth>;
