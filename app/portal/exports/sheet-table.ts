import type { CellValue, ColumnType } from "./export-columns";

/**
 * A small table already in memory (a simulation's figures), for the same XLSX and ODS writers
 * as the family exports: same cell types, same formats, same formula neutralisation.
 */
export interface SheetTable {
  /** Sheet name, at most 31 characters (XLSX's limit). */
  name: string;
  columns: { header: string; type: ColumnType; width: number }[];
  rows: CellValue[][];
}
