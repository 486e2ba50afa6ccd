import { Table, TableBody, TableHead, TableHeaderCell, TableRow } from '@tremor/react';
import type { ReactNode } from 'react';

/** A column's heading, with classes for its header cell (e.g. hidden on a phone). */
export type Column = string | { label: ReactNode; className?: string };

const FRAME = 'rounded-lg bg-white shadow-sm ring-1 ring-gray-200';

/**
 * A list as a table: the column headings, then the rows (`children`, TableRows). Framed as a
 * white card unless it already sits in one (`framed={false}`); wide tables scroll sideways on a
 * phone.
 */
export function DataTable({
  columns,
  children,
  framed = true,
  className = '',
}: {
  columns: readonly Column[];
  children: ReactNode;
  framed?: boolean;
  className?: string;
}) {
  return (
    <Table className={`${framed ? FRAME : ''} ${className}`.trim()}>
      <TableHead>
        <TableRow>
          {columns.map((column, i) =>
            typeof column === 'string' ? (
              <TableHeaderCell key={column}>{column}</TableHeaderCell>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed per page
              <TableHeaderCell key={i} className={column.className}>
                {column.label}
              </TableHeaderCell>
            ),
          )}
        </TableRow>
      </TableHead>
      <TableBody>{children}</TableBody>
    </Table>
  );
}
