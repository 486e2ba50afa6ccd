import { describe, expect, it } from 'vitest';
import { fieldPathsOf } from '../errors/testing.js';
import { parseTagList, validateDevice, validateDevicePatch } from './device-input.js';

const errorsOf = fieldPathsOf;

describe('device input', () => {
  it('takes a name alone, and trims name, model and tags', () => {
    expect(validateDevice({ name: '  Fridge 1 ' })).toEqual({ name: 'Fridge 1' });
    expect(
      validateDevice({ name: 'F', model: ' TX-3 ', tags: [' cold '], facilityId: 'fac_x' }),
    ).toEqual({ name: 'F', model: 'TX-3', tags: ['cold'], facilityId: 'fac_x' });
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(101) }, 'name'],
    [{ name: 'F', tags: ['a', 'a'] }, 'tags'],
    [{ name: 'F', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
    [{ name: 'F', tags: ['x'.repeat(41)] }, 'tags.0'],
    [{ name: 'F', expectedIntervalSeconds: 0 }, 'expectedIntervalSeconds'],
    [{ name: 'F', expectedIntervalSeconds: 86_401 }, 'expectedIntervalSeconds'],
    [{ name: 'F', expectedIntervalSeconds: 1.5 }, 'expectedIntervalSeconds'],
    [{ name: 'F', expectedIntervalSeconds: Number.NaN }, 'expectedIntervalSeconds'],
    [{ name: 'F', facilityId: '' }, 'facilityId'],
  ])('refuses %j naming %s', (input, path) => {
    expect(errorsOf(() => validateDevice(input))).toEqual([path]);
  });

  it('refuses unknown fields (no tenant or status from input)', () => {
    expect(errorsOf(() => validateDevice({ name: 'F', tenantId: 'tnt_x' }))).toEqual(['']);
  });

  it('a change needs at least one field', () => {
    expect(validateDevicePatch({ facilityId: null })).toEqual({ facilityId: null });
    expect(errorsOf(() => validateDevicePatch({}))).toEqual(['']);
  });
});

describe('parseTagList', () => {
  it('splits on commas, trims and drops empty entries, keeping duplicates for validation', () => {
    expect(parseTagList(' cold , , vaccines,cold ')).toEqual(['cold', 'vaccines', 'cold']);
    expect(parseTagList('')).toEqual([]);
  });
});
