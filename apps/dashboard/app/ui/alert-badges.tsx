import { Badge } from '@tremor/react';
import {
  type AlertStatus,
  SEVERITY_COLOR,
  SEVERITY_LABEL,
  type Severity,
  STATUS_COLOR,
  STATUS_LABEL,
} from './alerts';

type BadgeProps = { className?: string; 'data-testid'?: string };

/** An alert's severity as a coloured badge ("Critical" in red …). */
export function SeverityBadge({ severity, ...rest }: { severity: string } & BadgeProps) {
  return (
    <Badge color={SEVERITY_COLOR[severity as Severity]} {...rest}>
      {SEVERITY_LABEL[severity as Severity]}
    </Badge>
  );
}

/** An alert's status as a coloured badge ("Active" in red …). */
export function AlertStatusBadge({ status, ...rest }: { status: string } & BadgeProps) {
  return (
    <Badge color={STATUS_COLOR[status as AlertStatus]} {...rest}>
      {STATUS_LABEL[status as AlertStatus]}
    </Badge>
  );
}
