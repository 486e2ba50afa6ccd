import { describe, expect, it } from 'vitest';
import {
  type AuditContent,
  auditEntryHash,
  type ChainedAuditEntry,
  canonicalJson,
  GENESIS_HASH,
  verifyAuditChain,
} from './chain.js';

async function chain(contents: AuditContent[]): Promise<ChainedAuditEntry[]> {
  const out: ChainedAuditEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (const [i, content] of contents.entries()) {
    const seq = i + 1;
    const hash = await auditEntryHash({ ...content, seq }, prevHash);
    out.push({ ...content, seq, prevHash, hash });
    prevHash = hash;
  }
  return out;
}

const entry = (action: string, after: unknown): AuditContent => ({
  tenantId: 'tnt_aaaaaaaaaaaaaaaaaaaa',
  actor: { type: 'user', id: 'usr_aaaaaaaaaaaaaaaaaaaa' },
  action,
  target: { type: 'facility', id: 'fac_aaaaaaaaaaaaaaaaaaaa' },
  before: null,
  after,
  reason: null,
  requestId: 'req_1',
  at: new Date('2026-11-23T10:00:00.000Z'),
});

describe('audit chain', () => {
  it('hashes the same content the same whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
  });

  it('verifies an untouched chain', async () => {
    const entries = await chain([entry('facility.create', { name: 'A' }), entry('x', { n: 2 })]);
    expect(await verifyAuditChain(entries)).toEqual({ ok: true, entries: 2 });
  });

  it('detects an edited, removed or reordered entry', async () => {
    const entries = await chain([entry('a', 1), entry('b', 2), entry('c', 3)]);
    const edited = entries.map((e) => (e.seq === 2 ? { ...e, after: 99 } : e));
    expect(await verifyAuditChain(edited)).toEqual({ ok: false, brokenAtSeq: 2 });
    expect(await verifyAuditChain([entries[0]!, entries[2]!])).toEqual({
      ok: false,
      brokenAtSeq: 2,
    });
    expect(await verifyAuditChain([entries[1]!, entries[0]!])).toEqual({
      ok: false,
      brokenAtSeq: 1,
    });
  });

  it('detects an entry rewritten with a recomputed hash, via the next link', async () => {
    const entries = await chain([entry('a', 1), entry('b', 2), entry('c', 3)]);
    const forged = { ...entries[1]!, after: 42 };
    forged.hash = await auditEntryHash(forged, forged.prevHash);
    expect(await verifyAuditChain([entries[0]!, forged, entries[2]!])).toEqual({
      ok: false,
      brokenAtSeq: 3,
    });
  });
});
