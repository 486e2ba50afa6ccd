import { describe, expect, it } from 'vitest';
import { fieldPathsOf } from '../errors/testing.js';
import { validateFacility, validateFacilityPatch } from './facility.js';

const errorsOf = fieldPathsOf;

describe('facility input', () => {
  it('takes a name alone, and trims', () => {
    expect(validateFacility({ name: '  Berlin cold room ' })).toEqual({ name: 'Berlin cold room' });
  });

  it('stores time zones in their canonical IANA spelling', () => {
    expect(validateFacility({ name: 'A', timeZone: 'europe/berlin' }).timeZone).toBe(
      'Europe/Berlin',
    );
    expect(validateFacility({ name: 'A', timeZone: 'UTC' }).timeZone).toBe('UTC');
  });

  it.each(['Mars/Base', '+01:00', '-05:00', '', 'Berlin'])('refuses the time zone %j', (tz) => {
    expect(errorsOf(() => validateFacility({ name: 'A', timeZone: tz }))).toEqual(['timeZone']);
  });

  it('knows the facility types and refuses others', () => {
    expect(validateFacility({ name: 'A', type: 'cold_room' }).type).toBe('cold_room');
    expect(errorsOf(() => validateFacility({ name: 'A', type: 'garage' }))).toEqual(['type']);
  });

  it('reports every field at once, and unknown fields', () => {
    expect(
      errorsOf(() => validateFacility({ name: ' ', type: 'x', timeZone: 'nope', tenantId: 't' })),
    ).toEqual(expect.arrayContaining(['name', 'type', 'timeZone']));
    expect(errorsOf(() => validateFacility({ name: 'A', tenantId: 'tnt_x' }))).toEqual(['']);
  });

  it('a patch changes at least one field, each validated like on creation', () => {
    expect(validateFacilityPatch({ address: 'Hafenstraße 1' })).toEqual({
      address: 'Hafenstraße 1',
    });
    expect(errorsOf(() => validateFacilityPatch({}))).toEqual(['']);
    expect(errorsOf(() => validateFacilityPatch({ timeZone: 'Europe/Nowhere' }))).toEqual([
      'timeZone',
    ]);
  });
});
