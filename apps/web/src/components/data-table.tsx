import type { ReactNode } from "react";
import { ErrorAlert, Loading } from "./error-message.tsx";

export interface Column<T> {
  label: string;
  cell: (row: T) => ReactNode;
  /** e.g. "break" for long addresses and texts. */
  className?: string;
}

/**
 * A query's rows as a table that stacks into labelled cards on a phone, with its loading, error
 * and empty states.
 */
export function DataTable<T>(props: {
  query: { isPending: boolean; error: unknown; data: T[] | undefined };
  columns: Column<T>[];
  rowKey: (row: T, index: number) => string;
  empty: string;
  /** The id of the heading that names the table, or a caption for screen readers. */
  labelledBy?: string;
  caption?: string;
}) {
  const { query, columns } = props;
  return (
    <>
      {query.isPending && <Loading />}
      <ErrorAlert error={query.error} />
      {query.data?.length === 0 && <p className="muted">{props.empty}</p>}
      {query.data && query.data.length > 0 && (
        <div className="table-wrap">
          <table className="table responsive-table" aria-labelledby={props.labelledBy}>
            {props.caption && <caption className="visually-hidden">{props.caption}</caption>}
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.label} scope="col">
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {query.data.map((row, i) => (
                <tr key={props.rowKey(row, i)}>
                  {columns.map((c) => (
                    <td key={c.label} data-label={c.label} className={c.className}>
                      {c.cell(row)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
