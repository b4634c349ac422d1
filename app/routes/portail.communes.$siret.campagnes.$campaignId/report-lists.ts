import { REPORT_LISTS, type ReportList } from "~/portal/campaigns/campaign-labels";

/**
 * The report's lists as the page's URL names them (`?liste=`): one per item status, and the
 * families whose tariff bracket changed.
 */
export const BRACKETS_LIST = "tranches";
export type ListKey = ReportList | typeof BRACKETS_LIST;

export const listOf = (value: string | null): ListKey =>
  value === BRACKETS_LIST || (REPORT_LISTS as readonly string[]).includes(value ?? "") ? (value as ListKey) : "updated";

/** A page of a list, relative to the campaign's page. */
export const listHref = (key: ListKey, page = 1) => `?liste=${key}${page > 1 ? `&page=${page}` : ""}`;
