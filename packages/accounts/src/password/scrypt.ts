import { scrypt } from 'node:crypto';
import { constantTimeEqual } from '@anythingiot/core';
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';

/**
 * Password hashing with scrypt from `node:crypto` (ARCHITECTURE rule 7): the one primitive
 * Workers (nodejs_compat), Deno and Node all provide natively. Stored as a self-describing
 * string, `scrypt$v=1$n=16384,r=8,p=5$<salt b64>$<key b64>`, so the cost can be raised later:
 * old hashes keep verifying and `needsRehash` tells login to upgrade them.
 */
export type ScryptParams = { n: number; r: number; p: number; saltBytes: number; keyBytes: number };

/** OWASP's scrypt floor is N=2^17,r=8,p=1; N=2^14,r=8,p=5 is its equivalent at 16 MiB. */
export const SCRYPT_PARAMS: ScryptParams = { n: 16384, r: 8, p: 5, saltBytes: 32, keyBytes: 64 };

export type PasswordHasher = {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  needsRehash(stored: string): boolean;
};

type Parsed = { n: number; r: number; p: number; salt: Uint8Array; key: Uint8Array };

const FORMAT = /^scrypt\$v=1\$n=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/;

function parse(stored: string): Parsed | null {
  const m = FORMAT.exec(stored);
  if (!m) return null;
  try {
    return {
      n: Number(m[1]),
      r: Number(m[2]),
      p: Number(m[3]),
      salt: decodeBase64(m[4]!),
      key: decodeBase64(m[5]!),
    };
  } catch {
    return null;
  }
}

function derive(password: string, salt: Uint8Array, n: number, r: number, p: number, len: number) {
  return new Promise<Uint8Array>((resolve, reject) => {
    // maxmem above 128·N·r so raised parameters still fit; the default 32 MiB is tight.
    scrypt(
      password.normalize('NFKC'),
      salt,
      len,
      { N: n, r, p, maxmem: 256 * n * r },
      (err, key) => (err ? reject(err) : resolve(new Uint8Array(key))),
    );
  });
}

/** The scrypt hasher with the given parameters (the current ones unless a test says else). */
export function scryptHasher(params: ScryptParams = SCRYPT_PARAMS): PasswordHasher {
  return {
    async hash(password) {
      const salt = crypto.getRandomValues(new Uint8Array(params.saltBytes));
      const key = await derive(password, salt, params.n, params.r, params.p, params.keyBytes);
      return `scrypt$v=1$n=${params.n},r=${params.r},p=${params.p}$${encodeBase64(salt)}$${encodeBase64(key)}`;
    },
    async verify(password, stored) {
      const parsed = parse(stored);
      if (!parsed || parsed.key.length === 0) return false;
      const key = await derive(
        password,
        parsed.salt,
        parsed.n,
        parsed.r,
        parsed.p,
        parsed.key.length,
      );
      return constantTimeEqual(key, parsed.key);
    },
    needsRehash(stored) {
      const parsed = parse(stored);
      return (
        !parsed ||
        parsed.n !== params.n ||
        parsed.r !== params.r ||
        parsed.p !== params.p ||
        parsed.salt.length !== params.saltBytes ||
        parsed.key.length !== params.keyBytes
      );
    },
  };
}

/**
 * A valid hash at the current parameters of a random password nobody knows. Login verifies
 * against it when the email is unknown, so an unknown address costs the same scrypt run as a
 * wrong password and the answer's timing does not tell them apart.
 */
export const DUMMY_PASSWORD_HASH =
  'scrypt$v=1$n=16384,r=8,p=5$orb0BA8dpO3bZNILEDGVuUU6AIyb70eMJxUZdUyvJrA=$51tXqLf3kR/LTI4vmvJYrCezCHuw/XMcMs9ChpAGUrB/mTNjGV2bkfGFBBfCu//r3gL7uJpnncmz8Z3M1bX17Q==';
