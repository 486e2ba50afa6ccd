import { describe, expect, it } from 'vitest';
import { alertTitle, describeDuration } from './title.js';

describe('alert titles', () => {
  it('says what, where and for how long', () => {
    expect(
      alertTitle({
        deviceName: 'Vaccine fridge 1',
        metric: 'temperature',
        condition: { kind: 'outside', low: 2, high: 8 },
        durationSeconds: 900,
      }),
    ).toBe('Vaccine fridge 1: temperature outside 2–8 °C for 15 min');
    expect(
      alertTitle({
        deviceName: 'Dock door',
        metric: 'door',
        condition: { kind: 'door_open' },
        durationSeconds: 300,
      }),
    ).toBe('Dock door: door open for 5 min');
    expect(
      alertTitle({
        deviceName: 'Freezer',
        metric: 'temperature',
        condition: { kind: 'above', threshold: -15 },
        durationSeconds: 0,
      }),
    ).toBe('Freezer: temperature above -15 °C');
    expect(
      alertTitle({
        deviceName: 'Room',
        metric: 'humidity',
        condition: { kind: 'above', threshold: 60 },
        durationSeconds: 3_900,
      }),
    ).toBe('Room: humidity above 60 %RH for 1 h 5 min');
  });

  it('rounds durations to what people say', () => {
    expect(describeDuration(30)).toBe('30 s');
    expect(describeDuration(3_600)).toBe('1 h');
    expect(describeDuration(90)).toBe('2 min');
  });
});
