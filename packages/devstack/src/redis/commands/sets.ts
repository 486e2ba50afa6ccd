import type { CommandTable } from './types';
import { deleteIfEmpty, typed } from './types';

export const setCommands: CommandTable = {
  sadd: {
    arity: -3,
    run: (store, [key, ...members]) => {
      const set = typed(store, key!, 'set') ?? { type: 'set' as const, value: new Set<string>() };
      const before = set.value.size;
      for (const member of members) set.value.add(member);
      store.set(key!, set);
      return set.value.size - before;
    },
  },
  srem: {
    arity: -3,
    run: (store, [key, ...members]) => {
      const set = typed(store, key!, 'set');
      if (!set) return 0;
      const removed = members.filter((member) => set.value.delete(member)).length;
      deleteIfEmpty(store, key!, set.value.size);
      return removed;
    },
  },
  smembers: { arity: 2, run: (store, [key]) => [...(typed(store, key!, 'set')?.value ?? [])] },
  sismember: {
    arity: 3,
    run: (store, [key, member]) => (typed(store, key!, 'set')?.value.has(member!) ? 1 : 0),
  },
  scard: { arity: 2, run: (store, [key]) => typed(store, key!, 'set')?.value.size ?? 0 },
};
