/**
 * Redis' glob matching for KEYS and SCAN MATCH (`*`, `?`, `[abc]`, `[^a-z]`, `\` escapes), ported
 * from its `stringmatchlen` so edge cases (an unclosed `[`, a reversed range `[z-a]`) behave the
 * same. Works on code points where Redis works on bytes; the two agree for ASCII keys.
 */
export function globMatch(pattern: string, subject: string): boolean {
  // KEYS and SCAN special-case a lone `*` before matching, which is what lets it match the empty key.
  if (pattern === '*') return true;
  return match(Array.from(pattern), 0, Array.from(subject), 0, { skipLonger: false });
}

function match(p: string[], pi: number, s: string[], si: number, state: { skipLonger: boolean }) {
  while (pi < p.length && si < s.length) {
    const c = p[pi];
    if (c === '*') {
      while (p[pi + 1] === '*') pi++;
      if (pi === p.length - 1) return true;
      for (; si < s.length; si++) {
        if (match(p, pi + 1, s, si, state)) return true;
        // A failed tail match that consumed the whole subject cannot succeed on a shorter one;
        // without this cut, patterns like `a*a*a*b` go exponential.
        if (state.skipLonger) return false;
      }
      state.skipLonger = true;
      return false;
    }
    if (c === '?') {
      si++;
    } else if (c === '[') {
      pi++;
      const negate = p[pi] === '^';
      if (negate) pi++;
      let matched = false;
      for (;;) {
        if (p[pi] === '\\' && pi + 1 < p.length) {
          pi++;
          if (p[pi] === s[si]) matched = true;
        } else if (p[pi] === ']') {
          break;
        } else if (pi >= p.length) {
          // Unclosed class: Redis steps back so the outer loop ends on the last pattern char.
          pi--;
          break;
        } else if (pi + 2 < p.length && p[pi + 1] === '-') {
          let start = p[pi]!;
          let end = p[pi + 2]!;
          if (start > end) [start, end] = [end, start];
          const ch = s[si]!;
          if (ch >= start && ch <= end) matched = true;
          pi += 2;
        } else if (p[pi] === s[si]) {
          matched = true;
        }
        pi++;
      }
      if (negate) matched = !matched;
      if (!matched) return false;
      si++;
    } else {
      if (c === '\\' && pi + 1 < p.length) pi++;
      if (p[pi] !== s[si]) return false;
      si++;
    }
    pi++;
    if (si === s.length) {
      while (p[pi] === '*') pi++;
      break;
    }
  }
  return pi >= p.length && si === s.length;
}
