import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import {
  API_KEY_SCOPES,
  constantTimeEqual,
  hashApiKey,
  newDeviceSecret,
  newId,
  openSecret,
  parseKeyring,
  RULE_PRESETS,
  type RulePresetId,
  sealSecret,
} from '@anythingiot/core';
import {
  alertRuleRepo,
  createApiKey,
  createTenant,
  type Database,
  deviceRepo,
  facilityRepo,
  schema,
} from '@anythingiot/db';
import type { DeviceKind, Scenario, SimDevice } from '@anythingiot/sdk/sim';

// The demo tenant `npm run dev` seeds so a newcomer sees live data without provisioning
// anything. Device secrets are only ever shown once by the api, so the seed keeps them in a
// file beside the dev database; the simulator reads the same file.

export const DEMO_TENANT = {
  name: 'Demo Pharma',
  slug: 'demo-pharma',
  industry: 'pharma',
  timeZone: 'Europe/Berlin',
} as const;

const PHARMACY = 'Central Pharmacy cold room';
const WAREHOUSE = 'Chicago distribution warehouse';

/** Two sites in different time zones, so reports and charts show time-zone handling. */
export const DEMO_FACILITIES = [
  {
    name: PHARMACY,
    type: 'pharmacy',
    timeZone: 'Europe/Berlin',
    address: 'Friedrichstraße 1, Berlin',
  },
  {
    name: WAREHOUSE,
    type: 'warehouse',
    timeZone: 'America/Chicago',
    address: '1 Logistics Way, Chicago',
  },
] as const;

export const DEMO_DEVICES: ReadonlyArray<{ name: string; facility: string; kind: DeviceKind }> = [
  { name: 'Vaccine fridge 1', facility: PHARMACY, kind: 'fridge' },
  { name: 'Vaccine fridge 2', facility: PHARMACY, kind: 'fridge' },
  { name: 'Insulin fridge', facility: PHARMACY, kind: 'fridge' },
  { name: 'Pharmacy freezer', facility: PHARMACY, kind: 'freezer' },
  { name: 'Dispensary', facility: PHARMACY, kind: 'room' },
  { name: 'Cold room A', facility: WAREHOUSE, kind: 'fridge' },
  { name: 'Cold room B', facility: WAREHOUSE, kind: 'fridge' },
  { name: 'Freezer room', facility: WAREHOUSE, kind: 'freezer' },
  { name: 'Blast freezer', facility: WAREHOUSE, kind: 'freezer' },
  { name: 'Ambient store', facility: WAREHOUSE, kind: 'room' },
];

/** Seconds between simulated readings; also the devices' expected reporting interval. */
export const DEMO_INTERVAL_SECONDS = 15;

export type DemoDevice = SimDevice & { name: string; facilityId: string };

/** `.data/demo-devices.json`: what the seed created, including secrets shown nowhere else. */
export type DemoFile = {
  version: 1;
  tenant: { id: string; name: string; slug: string };
  apiKey: { id: string; key: string };
  facilities: Array<{ id: string; name: string; timeZone: string }>;
  devices: DemoDevice[];
};

const SYSTEM = { type: 'system' as const, id: 'devstack-demo' };
const META = { actor: SYSTEM, requestId: null };

/**
 * Makes sure the demo tenant exists with its facilities, devices and an API key, and that
 * `file` holds working credentials for them. Idempotent: a second run changes nothing. If the
 * file is missing or stale (database wiped, file deleted, secret rotated elsewhere) it repairs
 * only what is broken: missing rows are created, devices whose secret is unknown get a new one,
 * and the file is rewritten. Returns what it had to change (empty when nothing).
 */
export async function seedDemoTenant(input: {
  db: Database;
  /** SECRETS_KEYRING of the api, to seal new secrets and check saved ones. */
  keyring: string;
  file: string;
}): Promise<{ demo: DemoFile; changes: string[] }> {
  const { db } = input;
  const keyring = await parseKeyring(input.keyring);
  const saved = await readDemoFile(input.file);
  const changes: string[] = [];

  let tenant = await db.query.tenants.findFirst({
    where: (t, { eq }) => eq(t.slug, DEMO_TENANT.slug),
  });
  if (!tenant) {
    tenant = await createTenant(db, { ...DEMO_TENANT }, SYSTEM);
    changes.push(`created tenant: ${tenant.name}`);
  }
  const tenantId = tenant.id;
  // A file written for another database describes rows that do not exist here.
  const known = saved?.tenant.id === tenantId ? saved : undefined;

  const facilities = await facilityRepo(db, tenantId).list();
  for (const spec of DEMO_FACILITIES) {
    if (facilities.some((f) => f.name === spec.name)) continue;
    facilities.push(await facilityRepo(db, tenantId).create({ ...spec }, META));
    changes.push(`created facility: ${spec.name}`);
  }
  const facilityId = (name: string) => facilities.find((f) => f.name === name)!.id;

  const rows = await db.query.devices.findMany({
    where: (d, { and, eq }) => and(eq(d.tenantId, tenantId), eq(d.status, 'active')),
  });
  const devices: DemoDevice[] = [];
  for (const spec of DEMO_DEVICES) {
    const row = rows.find((r) => r.name === spec.name);
    const savedSecret = known?.devices.find((d) => d.deviceId === row?.id)?.secret;
    const base = { name: spec.name, kind: spec.kind, facilityId: facilityId(spec.facility) };
    if (row && savedSecret && (await secretWorks(db, keyring, tenantId, row.id, savedSecret))) {
      devices.push({ ...base, deviceId: row.id, secret: savedSecret });
      continue;
    }
    const secret = newDeviceSecret();
    const sealed = await sealSecret(keyring, secret);
    if (row) {
      // The secret is unrecoverable (only its ciphertext is stored): issue a new one, at once.
      await deviceRepo(db, tenantId).rotateSecret(row.id, sealed, keyring.current, 0, META);
      devices.push({ ...base, deviceId: row.id, secret });
      changes.push(`new secret: ${spec.name}`);
    } else {
      const created = await deviceRepo(db, tenantId).create(
        {
          name: spec.name,
          facilityId: base.facilityId,
          model: `anythingiot-sim ${spec.kind}`,
          tags: ['demo', spec.kind],
          expectedIntervalSeconds: DEMO_INTERVAL_SECONDS,
        },
        sealed,
        keyring.current,
        META,
      );
      devices.push({ ...base, deviceId: created.id, secret });
      changes.push(`created device: ${spec.name}`);
    }
  }

  changes.push(...(await seedDemoAlerting(db, tenantId, devices)));

  let apiKey = known?.apiKey;
  if (!apiKey || !(await apiKeyWorks(db, tenantId, apiKey.key))) {
    const key = await createApiKey(
      db,
      tenantId,
      { name: 'Demo key (npm run dev)', scopes: [...API_KEY_SCOPES] },
      META,
    );
    apiKey = { id: key.id, key: key.key };
    changes.push('created API key');
  }

  const demo: DemoFile = {
    version: 1,
    tenant: { id: tenantId, name: tenant.name, slug: tenant.slug },
    apiKey,
    facilities: DEMO_FACILITIES.map((f) => ({
      id: facilityId(f.name),
      name: f.name,
      timeZone: facilities.find((x) => x.name === f.name)!.timeZone,
    })),
    devices,
  };
  if (changes.length > 0 || JSON.stringify(saved) !== JSON.stringify(demo)) {
    await writePrivate(input.file, `${JSON.stringify(demo, null, 2)}\n`);
  }
  return { demo, changes };
}

/** Who receives the demo's alert emails (in the catcher): the demo tenant's owner. */
export const DEMO_OWNER_EMAIL = 'owner@demo-pharma.example';

const PRESET_BY_KIND: Record<DeviceKind, RulePresetId> = {
  fridge: 'pharma_refrigerated',
  freezer: 'frozen',
  room: 'controlled_room_temperature',
};

/**
 * Alert rules from the industry presets (each device by its kind, doors tenant-wide) and an
 * owner the default notification policy emails, so the scripted excursion ends as an alert in
 * the catcher. Only when the tenant has no rules at all: rules someone edited are theirs.
 */
async function seedDemoAlerting(db: Database, tenantId: string, devices: DemoDevice[]) {
  const changes: string[] = [];
  const rules = alertRuleRepo(db, tenantId);
  if ((await rules.list({ includeArchived: true })).length === 0) {
    const preset = (id: RulePresetId) => RULE_PRESETS.find((p) => p.id === id)!;
    for (const device of devices) {
      const p = preset(PRESET_BY_KIND[device.kind]);
      await rules.create(
        {
          ...p.rule,
          name: `${device.name}: ${p.label}`,
          scope: { kind: 'device', deviceId: device.deviceId },
        },
        p.id,
        META,
      );
    }
    const door = preset('door_open');
    await rules.create({ ...door.rule, scope: { kind: 'tenant' } }, door.id, META);
    changes.push(`created ${devices.length + 1} alert rules from presets`);
  }
  const owner = await db.query.users.findFirst({
    where: (u, { sql }) => sql`lower(${u.email}) = ${DEMO_OWNER_EMAIL}`,
  });
  const userId = owner?.id ?? newId('user');
  if (!owner) {
    await db
      .insert(schema.users)
      .values({ id: userId, email: DEMO_OWNER_EMAIL, name: 'Demo Owner' });
    changes.push(`created user: ${DEMO_OWNER_EMAIL}`);
  }
  const member = await db.query.memberships.findFirst({
    where: (m, { and, eq }) => and(eq(m.tenantId, tenantId), eq(m.userId, userId)),
  });
  if (!member) {
    await db
      .insert(schema.memberships)
      .values({ id: newId('membership'), tenantId, userId, role: 'owner' });
    changes.push('made the demo user the tenant owner');
  }
  return changes;
}

/** What the demo simulates: one excursion for alerts to catch, one dropout to show backfill. */
export function demoScenario(demo: DemoFile): Scenario {
  const id = (name: string) => demo.devices.find((d) => d.name === name)!.deviceId;
  return {
    // Above 8 °C for ~20 minutes, starting three minutes after `npm run dev`.
    excursions: [
      { device: id('Vaccine fridge 2'), atMs: 3 * 60_000, durationMs: 20 * 60_000, delta: 6 },
    ],
    dropouts: [{ device: id('Cold room B'), atMs: 6 * 60_000, durationMs: 4 * 60_000 }],
  };
}

async function secretWorks(
  db: Database,
  keyring: Awaited<ReturnType<typeof parseKeyring>>,
  tenantId: string,
  deviceId: string,
  secret: string,
): Promise<boolean> {
  const credentials = await db.query.deviceCredentials.findMany({
    where: (c, { and, eq, isNull, or, gt }) =>
      and(
        eq(c.tenantId, tenantId),
        eq(c.deviceId, deviceId),
        isNull(c.revokedAt),
        or(isNull(c.validUntil), gt(c.validUntil, new Date())),
      ),
  });
  const wanted = new TextEncoder().encode(secret);
  for (const c of credentials) {
    // A keyring that changed since (secrets.json deleted) cannot open it: treat as unknown.
    const plain = await openSecret(keyring, c.secretCiphertext).catch(() => undefined);
    if (plain !== undefined && constantTimeEqual(new TextEncoder().encode(plain), wanted)) {
      return true;
    }
  }
  return false;
}

async function apiKeyWorks(db: Database, tenantId: string, key: string): Promise<boolean> {
  const hash = await hashApiKey(key);
  const row = await db.query.apiKeys.findFirst({
    where: (k, { and, eq, isNull }) =>
      and(eq(k.tenantId, tenantId), eq(k.keyHash, hash), isNull(k.revokedAt)),
  });
  return row !== undefined && (row.expiresAt === null || row.expiresAt > new Date());
}

/** The saved file, or undefined when it is missing or not one of ours (then it is rewritten). */
export async function readDemoFile(path: string): Promise<DemoFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as DemoFile;
    return parsed?.version === 1 && Array.isArray(parsed.devices) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Secrets: written whole (temp + rename) and readable by the owner only. */
async function writePrivate(path: string, text: string) {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}
