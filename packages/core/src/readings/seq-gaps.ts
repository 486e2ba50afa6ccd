/**
 * Sequence-number gap detection. A device that numbers its readings (`seq`, shared by every
 * metric of one reading) lets us tell the user which readings it never delivered, and show a
 * gap close when the device backfills them.
 *
 * Event time is the ground truth for order: readings are walked by `ts`. Going forward in time,
 * a jump in `seq` opens a gap; `seq` going back (or staying put) while time moves forward is a
 * counter reset (reboot), never a gap — we cannot know where the new counter started, so we do
 * not guess. A reading older than the device's newest one is a late arrival: if its `seq` and
 * time fall inside an open gap, it fills that part of the gap. A gap remembers the event times
 * of the readings around it, so a late reading from before a reboot cannot fill a gap with the
 * same numbers after it (and vice versa).
 */

/** One reading's position: its sequence number and event time (Unix ms). */
export type SeqPoint = { seq: number; ts: number };

/** Missing numbers `fromSeq..toSeq` (inclusive), between the readings at `afterTs` and `beforeTs`. */
export type SeqRange = { fromSeq: number; toSeq: number; afterTs: number; beforeTs: number };

/** A gap still open in storage; `id` is the storage's handle for it. */
export type OpenSeqGap<Id> = SeqRange & { id: Id };

export type SeqGapChanges<Id> = {
  /** New gaps found between readings going forward in time. */
  opened: SeqRange[];
  /** Open gaps that late readings filled at least partly; `remaining` are the parts still missing. */
  filled: { id: Id; remaining: SeqRange[] }[];
  /** How many counter resets (seq not increasing while time moves on) the batch contains. */
  resets: number;
  /** The device's newest reading after this batch (what the caller passes next time). */
  cursor: SeqPoint | null;
};

/**
 * What a batch changes, given the device's newest reading so far (`cursor`, null for a device
 * never seen with seq) and the open gaps that may overlap the batch. Pure: the caller stores it.
 */
export function trackSeqGaps<Id>(
  cursor: SeqPoint | null,
  openGaps: readonly OpenSeqGap<Id>[],
  points: readonly SeqPoint[],
): SeqGapChanges<Id> {
  // Several metrics of one reading share (ts, seq): count each reading once.
  const unique = new Map<string, SeqPoint>();
  for (const p of points) unique.set(`${p.ts}:${p.seq}`, p);
  const sorted = [...unique.values()].sort((a, b) => a.ts - b.ts || a.seq - b.seq);

  const late = cursor ? sorted.filter((p) => p.ts <= cursor.ts) : [];
  const live = cursor ? sorted.filter((p) => p.ts > cursor.ts) : sorted;

  const opened: SeqRange[] = [];
  let resets = 0;
  let at = cursor;
  for (const p of live) {
    if (at && p.ts > at.ts) {
      if (p.seq > at.seq + 1) {
        opened.push({ fromSeq: at.seq + 1, toSeq: p.seq - 1, afterTs: at.ts, beforeTs: p.ts });
      } else if (p.seq <= at.seq) {
        resets++;
      }
    }
    // Two readings at the same instant: keep the higher number as the position.
    if (!at || p.ts > at.ts || p.seq > at.seq) at = p;
  }

  const filled: SeqGapChanges<Id>['filled'] = [];
  for (const gap of openGaps) {
    const inside = late.filter(
      (p) =>
        p.seq >= gap.fromSeq && p.seq <= gap.toSeq && p.ts > gap.afterTs && p.ts < gap.beforeTs,
    );
    if (inside.length > 0) filled.push({ id: gap.id, remaining: subtract(gap, inside) });
  }
  return { opened, filled, resets, cursor: at };
}

/**
 * The numbers of `gap` still missing once `arrived` are in, as contiguous pieces. Each piece
 * keeps the whole gap's time bounds: a device whose clock and counter disagree inside a gap must
 * still be able to fill the rest.
 */
function subtract(gap: SeqRange, arrived: SeqPoint[]): SeqRange[] {
  const seqs = [...new Set(arrived.map((p) => p.seq))].sort((a, b) => a - b);
  const remaining: SeqRange[] = [];
  let from = gap.fromSeq;
  for (const seq of [...seqs, gap.toSeq + 1]) {
    if (seq > from) {
      remaining.push({
        fromSeq: from,
        toSeq: seq - 1,
        afterTs: gap.afterTs,
        beforeTs: gap.beforeTs,
      });
    }
    from = seq + 1;
  }
  return remaining;
}
