import { NOT_FLOAT, NOT_INTEGER, RedisError } from './errors';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

// Redis' string2ll: no sign other than a leading '-', no leading zeros, no spaces, no "-0".
const INTEGER = /^(0|-?[1-9][0-9]*)$/;

/** Parses a signed 64-bit integer the way Redis does, or returns undefined. */
export function toInt64(text: string): bigint | undefined {
  if (!INTEGER.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

/** A signed 64-bit integer argument; anything else is Redis' "not an integer" error. */
export function intArg(text: string, message = NOT_INTEGER): bigint {
  const value = toInt64(text);
  if (value === undefined) throw new RedisError(message);
  return value;
}

/** An integer argument used as an index or count, where JS number precision is plenty. */
export function numberArg(text: string): number {
  return Number(intArg(text));
}

const DECIMAL = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
const INFINITY = /^[+-]?inf(inity)?$/i;

/**
 * Parses a double the way Redis' string2d does (strtod over the whole string): decimals, exponents
 * and `inf`/`+inf`/`-inf` are accepted; NaN, spaces and values out of double range are not.
 */
export function toDouble(text: string): number | undefined {
  if (INFINITY.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  // strtod reports underflow (a non-zero literal that rounds to 0) as an error, and Redis rejects it.
  if (value === 0 && /[1-9]/.test(text.split(/[eE]/)[0]!)) return undefined;
  return value;
}

/** A double argument; anything else is Redis' "not a valid float" error. */
export function doubleArg(text: string, message = NOT_FLOAT): number {
  const value = toDouble(text);
  if (value === undefined) throw new RedisError(message);
  return value;
}

/** Formats a double as Redis replies it (shortest round-trip form, `inf`/`-inf`). */
export function formatDouble(value: number): string {
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

// A decimal as an exact integer of units of 10^-scale: 12.5 is { units: 125n, scale: 1 }.
type Decimal = { units: bigint; scale: number };

const DECIMAL_PARTS = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/;
// Past this a long double overflows, so Redis would refuse the value anyway.
const MAX_EXPONENT = 4932;

function toDecimal(text: string): Decimal | undefined {
  const match = DECIMAL_PARTS.exec(text);
  if (!match) return undefined;
  const [, sign, whole = '', fraction = '', exponentText = '0'] = match;
  if (whole.length + fraction.length === 0) return undefined;
  const exponent = Number(exponentText);
  if (Math.abs(exponent) > MAX_EXPONENT) return undefined;
  let units = BigInt(`${whole}${fraction}` || '0');
  if (sign === '-') units = -units;
  let scale = fraction.length - exponent;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units, scale };
}

/**
 * INCRBYFLOAT's arithmetic. Redis adds in long double and prints with `%.17Lf`, trimming trailing
 * zeros, so `0.1 + 0.2` is "0.3" there; JS doubles would say 0.30000000000000004. Exact decimal
 * addition rounded to 17 places gives Redis' answer for every human-sized input.
 */
export function addDecimalStrings(current: string, increment: string): string {
  if (INFINITY.test(current) || INFINITY.test(increment)) {
    if (toDouble(current) === undefined || toDouble(increment) === undefined) {
      throw new RedisError(NOT_FLOAT);
    }
    throw new RedisError('ERR increment would produce NaN or Infinity');
  }
  const a = toDecimal(current);
  const b = toDecimal(increment);
  if (!a || !b) throw new RedisError(NOT_FLOAT);
  const scale = Math.max(a.scale, b.scale);
  let units = a.units * 10n ** BigInt(scale - a.scale) + b.units * 10n ** BigInt(scale - b.scale);
  let places = scale;
  if (places > 17) {
    // Round half away from zero to 17 places, as printf does for the decimal digits it shows.
    const divisor = 10n ** BigInt(places - 17);
    const half = divisor / 2n;
    units = (units + (units < 0n ? -half : half)) / divisor;
    places = 17;
  }
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places).replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : whole;
  return negative && text !== '0' ? `-${text}` : text;
}
