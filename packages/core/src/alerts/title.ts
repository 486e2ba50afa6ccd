import { describeCondition } from '../notify/alert-notice.js';
import { unitOfMetric } from '../readings/metrics.js';
import type { RuleCondition } from './rule.js';

const unitOf = unitOfMetric;

/** "1 h 5 min", "15 min", "30 s": a duration as people say it. */
export function describeDuration(seconds: number): string {
  if (seconds === 0) return '';
  if (seconds < 60) return `${seconds} s`;
  const h = Math.floor(seconds / 3_600);
  const m = Math.round((seconds % 3_600) / 60);
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
}

/** The alert's one-line title: what, where and for how long, e.g. for lists and subjects. */
export function alertTitle(input: {
  deviceName: string;
  metric: string;
  condition: RuleCondition;
  durationSeconds: number;
}): string {
  // door_open reads "door open" already; other conditions need the metric named.
  const condition = describeCondition(input.condition, unitOf(input.metric));
  const what =
    input.condition.kind === 'door_open'
      ? `${input.deviceName}: ${condition}`
      : `${input.deviceName}: ${input.metric} ${condition}`;
  const howLong = describeDuration(input.durationSeconds);
  return howLong ? `${what} for ${howLong}` : what;
}
