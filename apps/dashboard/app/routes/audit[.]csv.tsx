import { problemResponse } from '@anythingiot/accounts';
import { exportAuditCsv, getTenantPreferences } from '@anythingiot/services';
import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { parseAuditQuery } from '~/server/audit-filter.server';
import { guard, requireMember } from '~/server/guard.server';
import { tenantCtx } from '~/server/tenant-ctx.server';
import { invalidInput } from '~/server/validation.server';

/**
 * The audit log as a CSV download, with the audit page's filters (who, what, when). Cells a
 * spreadsheet would run as a formula are defused by the use case; at most MAX_EXPORT_ROWS rows,
 * newest first — the `X-Export-Truncated` header says when the filter matched more.
 */
export async function loader(args: LoaderFunctionArgs) {
  const member = await requireMember(args, 'audit.read');
  const ctx = tenantCtx(member);
  const { timeZone } = await guard(member, () => getTenantPreferences({ ctx }));
  const url = new URL(args.request.url);
  const { filter, errors } = parseAuditQuery(url.searchParams, timeZone);
  if (errors.length > 0) {
    throw problemResponse(
      invalidInput(errors, 'Some filters are not valid.'),
      member.app.requestId,
    );
  }
  const { csv, rows, truncated } = await guard(member, () =>
    exportAuditCsv({ ctx, input: filter }),
  );
  const day = new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-log-${day}.csv"`,
      'Cache-Control': 'no-store',
      'X-Export-Rows': String(rows),
      'X-Export-Truncated': String(truncated),
    },
  });
}
