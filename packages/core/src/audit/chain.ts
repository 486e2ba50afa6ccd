/**
 * The audit log is append-only and hash-chained per tenant: each entry's hash covers its
 * content and the previous entry's hash, so editing or deleting any entry breaks every hash
 * after it. Verification needs nothing but the entries themselves.
 */

/** Who did it. The actor always comes from the credential, never from request input. */
export type Actor =
  | { type: 'user'; id: string }
  | { type: 'apiKey'; id: string }
  | { type: 'device'; id: string }
  | { type: 'system'; id: string }
  | { type: 'job'; id: string };

/** What an audit entry records; `seq` and hashes are assigned when it is appended. */
export type AuditContent = {
  tenantId: string;
  actor: Actor;
  action: string;
  target: { type: string; id: string };
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
  at: Date;
};

export type ChainedAuditEntry = AuditContent & { seq: number; prevHash: string; hash: string };

/** The hash that precedes a tenant's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted at every depth, so the same content always hashes the same —
 * Postgres `jsonb` does not keep key order, and the chain must verify after a round trip.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** SHA-256 (hex) of the entry's content chained to `prevHash`. */
export async function auditEntryHash(
  content: AuditContent & { seq: number },
  prevHash: string,
): Promise<string> {
  const payload = canonicalJson({
    tenantId: content.tenantId,
    seq: content.seq,
    actor: content.actor,
    action: content.action,
    target: content.target,
    before: content.before ?? null,
    after: content.after ?? null,
    reason: content.reason,
    requestId: content.requestId,
    at: content.at.toISOString(),
    prevHash,
  });
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(payload));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export type ChainVerdict = { ok: true; entries: number } | { ok: false; brokenAtSeq: number };

/** Checks a tenant's entries (in `seq` order from 1): sequence, links and hashes. */
export async function verifyAuditChain(entries: ChainedAuditEntry[]): Promise<ChainVerdict> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq || entry.prevHash !== prevHash) {
      return { ok: false, brokenAtSeq: expectedSeq };
    }
    if ((await auditEntryHash(entry, prevHash)) !== entry.hash) {
      return { ok: false, brokenAtSeq: entry.seq };
    }
    prevHash = entry.hash;
    expectedSeq++;
  }
  return { ok: true, entries: entries.length };
}
