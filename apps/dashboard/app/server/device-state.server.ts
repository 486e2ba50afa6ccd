import type { DeviceState } from '@anythingiot/services';

/**
 * What a device list or a facility page shows of a device: its newest values in stored units
 * (°C, %RH, door 1 = open, W), converted for the viewer by the page, and how it is doing.
 */
export function presentDeviceState({ device, latest, connectivity }: DeviceState) {
  const value = (metric: string) => latest[metric]?.value ?? null;
  return {
    id: device.id,
    name: device.name,
    facilityId: device.facilityId,
    tags: device.tags,
    connectivity,
    /** When the api last received data from it (null: never reported). */
    lastSeenAt: device.lastSeenAt?.toISOString() ?? null,
    temperature: value('temperature'),
    humidity: value('humidity'),
    door: value('door'),
    power: value('power'),
  };
}

export type PresentedDevice = ReturnType<typeof presentDeviceState>;
