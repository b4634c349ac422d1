import type { ReactNode } from "react";
import { cx } from "./shared";

export type TableRow = { key: string; cells: ReactNode[] };

type TableProps = {
  /** Required: it is the accessible name of the table (RGAA 5.4). */
  caption: string;
  /** Keeps the caption for screen readers only, when a visible heading already names the table. */
  hideCaption?: boolean;
  headers: ReactNode[];
  rows: TableRow[];
  /** The first cell of each row names the row (e.g. a family name): rendered as a row header. */
  rowHeaders?: boolean;
  bordered?: boolean;
  size?: "sm" | "md" | "lg";
};

/** DSFR "tableau" (1.12+ markup with wrapper/container/content). */
export function Table({ caption, hideCaption, headers, rows, rowHeaders, bordered, size = "md" }: TableProps) {
  return (
    <div
      className={cx(
        "fr-table",
        hideCaption && "fr-table--no-caption",
        bordered && "fr-table--bordered",
        size !== "md" && `fr-table--${size}`,
      )}
    >
      <div className="fr-table__wrapper">
        <div className="fr-table__container">
          <div className="fr-table__content">
            <table>
              <caption>{caption}</caption>
              <thead>
                <tr>
                  {headers.map((header, index) => (
                    <th scope="col" key={index}>
                      {header}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.key} data-row-key={row.key}>
                    {row.cells.map((cell, index) =>
                      rowHeaders && index === 0 ? (
                        <th scope="row" key={index}>
                          {cell}
                        </th>
                      ) : (
                        <td key={index}>{cell}</td>
                      ),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </div>
    </div>
  );
}
