import { describe, expect, it } from 'vitest';
import { isId, newId } from './ids.js';

describe('ids', () => {
  it('prefixes ids with their kind and keeps them unique', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('device')));
    expect(ids.size).toBe(10_000);
    for (const id of ids) expect(id).toMatch(/^dev_[0-9a-hjkmnp-tv-z]{20}$/);
  });

  it('recognises only well-formed ids of the asked kind', () => {
    const id = newId('tenant');
    expect(isId('tenant', id)).toBe(true);
    expect(isId('device', id)).toBe(false);
    expect(isId('tenant', `${id}x`)).toBe(false);
    expect(isId('tenant', id.toUpperCase())).toBe(false);
    expect(isId('tenant', "tnt_' OR 1=1 --")).toBe(false);
  });
});
