const DAY_MS = 86_400_000;

/**
 * QStash's default backoff before the `retried`-th retry: min(1 day, e^(2.5·n)) seconds
 * (12 s, 2 m 28 s, 30 m, 6 h, then a day). Returns milliseconds.
 */
export function defaultRetryBackoff(retried: number): number {
  return Math.min(86_400, Math.exp(2.5 * retried)) * 1000;
}

// Go duration units, which QStash accepts in Retry-After and friends ("6m5s", "1.5s").
const GO_UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * How long the destination asked QStash to wait, from `Retry-After`, `X-RateLimit-Reset`,
 * `X-RateLimit-Reset-Requests` or `X-RateLimit-Reset-Tokens` (seconds, a Go duration or an HTTP
 * date). QStash honours at most one day; beyond that (or when absent) it uses its backoff: null.
 */
export function requestedRetryDelay(
  headers: Record<string, string | string[] | undefined>,
  nowMs: number,
): number | null {
  for (const name of [
    'retry-after',
    'x-ratelimit-reset',
    'x-ratelimit-reset-requests',
    'x-ratelimit-reset-tokens',
  ]) {
    const raw = headers[name];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (!value) continue;
    const ms = parseWait(value, nowMs);
    if (ms === null) continue;
    return ms <= DAY_MS ? Math.max(0, ms) : null;
  }
  return null;
}

function parseWait(value: string, nowMs: number): number | null {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) {
    let total = 0;
    for (const [, n, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
      total += Number(n) * (GO_UNIT_MS[unit as string] ?? 0);
    }
    return total;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : date - nowMs;
}

type Node =
  | { kind: 'num'; value: number }
  | { kind: 'retried' }
  | { kind: 'neg'; arg: Node }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/'; left: Node; right: Node }
  | { kind: 'call'; fn: string; args: Node[] };

const FUNCTIONS: Record<string, { arity: number; apply: (...xs: number[]) => number }> = {
  pow: { arity: 2, apply: (x, y) => (x ?? 0) ** (y ?? 0) },
  exp: { arity: 1, apply: (x) => Math.exp(x ?? 0) },
  sqrt: { arity: 1, apply: (x) => Math.sqrt(x ?? 0) },
  abs: { arity: 1, apply: (x) => Math.abs(x ?? 0) },
  floor: { arity: 1, apply: (x) => Math.floor(x ?? 0) },
  ceil: { arity: 1, apply: (x) => Math.ceil(x ?? 0) },
  round: { arity: 1, apply: (x) => Math.round(x ?? 0) },
  min: { arity: 2, apply: (x, y) => Math.min(x ?? 0, y ?? 0) },
  max: { arity: 2, apply: (x, y) => Math.max(x ?? 0, y ?? 0) },
};

/**
 * Compiles an `Upstash-Retry-Delay` expression (milliseconds; `retried`, + - * /, parentheses and
 * pow/exp/sqrt/abs/floor/ceil/round/min/max) into a function of `retried`. Throws on bad syntax,
 * so a publish with an expression QStash could not evaluate is refused up front.
 */
export function compileRetryDelay(expression: string): (retried: number) => number {
  const tokens = expression.match(/\d+(?:\.\d+)?|[A-Za-z_]+|[-+*/(),]|\S/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (expected?: string) => {
    const token = tokens[pos];
    if (token === undefined || (expected !== undefined && token !== expected)) {
      throw new Error(
        `expected ${expected ?? 'a value'} at token ${pos + 1}, found ${token ?? 'the end'}`,
      );
    }
    pos++;
    return token;
  };
  const sum = (): Node => {
    let node = product();
    while (peek() === '+' || peek() === '-') {
      const op = take() as '+' | '-';
      node = { kind: 'bin', op, left: node, right: product() };
    }
    return node;
  };
  const product = (): Node => {
    let node = unary();
    while (peek() === '*' || peek() === '/') {
      const op = take() as '*' | '/';
      node = { kind: 'bin', op, left: node, right: unary() };
    }
    return node;
  };
  const unary = (): Node => {
    if (peek() === '-') {
      take();
      return { kind: 'neg', arg: unary() };
    }
    return primary();
  };
  const primary = (): Node => {
    const token = take();
    if (/^\d/.test(token)) return { kind: 'num', value: Number(token) };
    if (token === '(') {
      const inner = sum();
      take(')');
      return inner;
    }
    if (token === 'retried') return { kind: 'retried' };
    const fn = FUNCTIONS[token];
    if (!fn) throw new Error(`unknown name "${token}"`);
    take('(');
    const args = [sum()];
    while (peek() === ',') {
      take();
      args.push(sum());
    }
    take(')');
    if (args.length !== fn.arity) {
      throw new Error(`${token} takes ${fn.arity} argument(s), got ${args.length}`);
    }
    return { kind: 'call', fn: token, args };
  };

  if (tokens.length === 0) throw new Error('empty expression');
  const tree = sum();
  if (pos !== tokens.length) throw new Error(`unexpected "${tokens[pos]}"`);

  const evaluate = (node: Node, retried: number): number => {
    switch (node.kind) {
      case 'num':
        return node.value;
      case 'retried':
        return retried;
      case 'neg':
        return -evaluate(node.arg, retried);
      case 'bin': {
        const l = evaluate(node.left, retried);
        const r = evaluate(node.right, retried);
        if (node.op === '+') return l + r;
        if (node.op === '-') return l - r;
        if (node.op === '*') return l * r;
        return l / r;
      }
      case 'call':
        return FUNCTIONS[node.fn]!.apply(...node.args.map((a) => evaluate(a, retried)));
    }
  };
  return (retried) => {
    const ms = evaluate(tree, retried);
    // A negative, infinite or NaN result cannot be a wait; QStash caps waits at a day.
    return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), DAY_MS) : DAY_MS;
  };
}
