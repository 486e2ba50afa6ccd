import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  INDUSTRIES,
  type Industry,
  isId,
  newDeviceSecret,
  parseKeyring,
  sealSecret,
} from '@anythingiot/core';
import { createNodeDb } from '../node.js';
import { createApiKey } from '../repos/api-keys.js';
import { deviceRepo } from '../repos/devices.js';
import { isUniqueViolation } from '../repos/pg-errors.js';
import { createTenant, listTenants } from '../repos/tenants.js';

// `npm run admin -- <command> [--json]`: platform operations for self-hosters and operators,
// against DATABASE_URL (+ SECRETS_KEYRING for device secrets). Without DATABASE_URL it uses the
// running `npm run dev` stack's .data/worker.env.
const USAGE = `Usage: npm run admin -- <command> [options] [--json]

Commands:
  create-tenant   --name <name> --slug <slug> [--industry pharma|food|chemical|other]
  list-tenants
  create-api-key  --tenant <tnt_…> --name <name> [--scope <scope> …]   (default: every scope)
  create-device   --tenant <tnt_…> --name <name>           prints the device secret once
  rotate-secret   --tenant <tnt_…> --device <dev_…> [--grace-seconds 86400]   prints the new secret once
  revoke-device   --tenant <tnt_…> --device <dev_…>

Environment: DATABASE_URL, SECRETS_KEYRING (or a running \`npm run dev\`).`;

class UsageError extends Error {}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        slug: { type: 'string' },
        industry: { type: 'string' },
        tenant: { type: 'string' },
        device: { type: 'string' },
        scope: { type: 'string', multiple: true },
        'grace-seconds': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
})();

const actor = { type: 'system' as const, id: 'admin-cli' };
const meta = { actor, requestId: null };
const command = positionals[0];
if (values.help || !command) fail(values.help ? '' : 'Missing command.', values.help ? 0 : 2);

const env = loadEnv();
const handle = createNodeDb(env);
try {
  print(await run(command));
} catch (err) {
  if (err instanceof UsageError) fail(err.message);
  throw err;
} finally {
  await handle.close();
}

async function run(cmd: string): Promise<Record<string, unknown>> {
  const db = handle.db;
  switch (cmd) {
    case 'create-tenant': {
      const industry = values.industry ?? 'other';
      if (!INDUSTRIES.includes(industry as Industry))
        throw new UsageError(`--industry must be one of ${INDUSTRIES.join(', ')}`);
      const slug = required('slug');
      if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug))
        throw new UsageError('--slug: lower-case letters, digits and dashes');
      const tenant = await createTenant(
        db,
        { name: required('name'), slug, industry: industry as Industry },
        actor,
      ).catch((err: unknown) => {
        throw isUniqueViolation(err) ? new UsageError(`--slug ${slug} is already taken`) : err;
      });
      return { tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug } };
    }
    case 'list-tenants':
      return {
        tenants: (await listTenants(db)).map((t) => ({
          id: t.id,
          name: t.name,
          slug: t.slug,
          status: t.status,
        })),
      };
    case 'create-api-key': {
      const scopes = (values.scope ?? [...API_KEY_SCOPES]) as ApiKeyScope[];
      const bad = scopes.find((s) => !API_KEY_SCOPES.includes(s));
      if (bad) throw new UsageError(`unknown scope ${bad}; scopes: ${API_KEY_SCOPES.join(', ')}`);
      const key = await createApiKey(db, tenant(), { name: required('name'), scopes }, meta);
      return {
        apiKey: { id: key.id, prefix: key.prefix, scopes },
        key: key.key,
        note: 'shown once; store it now',
      };
    }
    case 'create-device': {
      const keyring = await parseKeyring(requiredEnv('SECRETS_KEYRING'));
      const secret = newDeviceSecret();
      const device = await deviceRepo(db, tenant()).create(
        { name: required('name') },
        await sealSecret(keyring, secret),
        keyring.current,
        meta,
      );
      return {
        device: { id: device.id, name: device.name, tenantId: device.tenantId },
        secret,
        note: 'shown once; store it now',
      };
    }
    case 'rotate-secret': {
      const keyring = await parseKeyring(requiredEnv('SECRETS_KEYRING'));
      const grace = Number(values['grace-seconds'] ?? 86_400);
      if (!Number.isInteger(grace) || grace < 0)
        throw new UsageError('--grace-seconds must be a whole number ≥ 0');
      const secret = newDeviceSecret();
      const ok = await deviceRepo(db, tenant()).rotateSecret(
        device(),
        await sealSecret(keyring, secret),
        keyring.current,
        grace,
        meta,
      );
      if (!ok) throw new UsageError('no active device with that id in that tenant');
      return {
        device: device(),
        secret,
        previousSecretValidForSeconds: grace,
        note: 'shown once; store it now',
      };
    }
    case 'revoke-device': {
      const revoked = await deviceRepo(db, tenant()).revoke(device(), meta);
      if (!revoked) throw new UsageError('no device with that id in that tenant');
      return { device: device(), status: 'revoked' };
    }
    default:
      throw new UsageError(`Unknown command "${cmd}".`);
  }
}

function required(name: 'name' | 'slug'): string {
  const value = values[name]?.trim();
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}
function tenant(): string {
  if (!values.tenant || !isId('tenant', values.tenant))
    throw new UsageError('--tenant must be a tenant id (tnt_…)');
  return values.tenant;
}
function device(): string {
  if (!values.device || !isId('device', values.device))
    throw new UsageError('--device must be a device id (dev_…)');
  return values.device;
}
function requiredEnv(name: string): string {
  const value = env[name];
  if (!value) throw new UsageError(`${name} is not set`);
  return value;
}

function loadEnv(): Record<string, string | undefined> {
  if (process.env.DATABASE_URL) return process.env;
  const devEnv = new URL('../../../../.data/worker.env', import.meta.url);
  if (!existsSync(devEnv))
    fail('DATABASE_URL is not set and no `npm run dev` stack was found (.data/worker.env).');
  const parsed: Record<string, string> = {};
  for (const line of readFileSync(devEnv, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) parsed[line.slice(0, at)] = JSON.parse(line.slice(at + 1)) as string;
  }
  return { ...parsed, ...process.env };
}

function print(result: Record<string, unknown>) {
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  for (const [key, value] of Object.entries(result)) {
    console.log(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}`);
  }
}

function fail(message: string, code = 2): never {
  if (message) console.error(`${message}\n`);
  console.error(USAGE);
  process.exit(code);
}
