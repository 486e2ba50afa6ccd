import { numberArg } from '../numbers';
import { OK, type Reply } from '../reply';
import type { Store } from '../store';
import { type CommandTable, deleteIfEmpty, typed } from './types';

function push(side: 'left' | 'right') {
  return (store: Store, [key, ...elements]: string[]): Reply => {
    const list = typed(store, key!, 'list') ?? { type: 'list' as const, value: [] };
    // LPUSH inserts one element at a time, so `LPUSH k a b c` leaves the list as c, b, a.
    list.value =
      side === 'left' ? elements.reverse().concat(list.value) : list.value.concat(elements);
    store.set(key!, list);
    return list.value.length;
  };
}

/**
 * Redis' normalisation of an inclusive [start, stop] range, negative indexes counting from the end;
 * undefined when the range is empty.
 */
function clampRange(range: { start: number; stop: number }, length: number) {
  let { start, stop } = range;
  if (start < 0) start += length;
  if (stop < 0) stop += length;
  if (start < 0) start = 0;
  if (start > stop || start >= length) return undefined;
  return { start, stop: Math.min(stop, length - 1) };
}

// Redis parses the indexes before looking the key up, so a bad index fails even on a missing key.
function rangeArgs(start: string, stop: string) {
  return { start: numberArg(start), stop: numberArg(stop) };
}

export const listCommands: CommandTable = {
  lpush: { arity: -3, run: push('left') },
  rpush: { arity: -3, run: push('right') },
  llen: { arity: 2, run: (store, [key]) => typed(store, key!, 'list')?.value.length ?? 0 },
  lrange: {
    arity: 4,
    run: (store, [key, start, stop]) => {
      const requested = rangeArgs(start!, stop!);
      const list = typed(store, key!, 'list')?.value ?? [];
      const range = clampRange(requested, list.length);
      return range ? list.slice(range.start, range.stop + 1) : [];
    },
  },
  ltrim: {
    arity: 4,
    run: (store, [key, start, stop]) => {
      const requested = rangeArgs(start!, stop!);
      const list = typed(store, key!, 'list');
      if (!list) return OK;
      const range = clampRange(requested, list.value.length);
      list.value = range ? list.value.slice(range.start, range.stop + 1) : [];
      deleteIfEmpty(store, key!, list.value.length);
      return OK;
    },
  },
};
