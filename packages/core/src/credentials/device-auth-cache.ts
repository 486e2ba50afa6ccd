/**
 * The Redis key under which ingest caches a device's sealed credentials. One definition for the
 * reader (ingest) and for everyone who must purge it (rotation and revocation in the services),
 * so the two can never drift apart. Bump the version when the cached shape changes.
 */
export const deviceAuthCacheKey = (deviceId: string) => `devauth:v1:${deviceId}`;
