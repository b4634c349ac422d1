import type { OrganizationIdentifier, StoredSubscription } from "./model.ts";
import { sameOrganization } from "./organizations.ts";
import type { HubeeStore } from "./store.ts";

/** HubEE's status label for an active subscription. */
export const ACTIVE = "Actif";

export function isSubscribed(store: HubeeStore, org: OrganizationIdentifier, processCode: string): boolean {
  return store.subscriptions.some(
    (s) => s.processCode === processCode && s.status === ACTIVE && sameOrganization(s.subscriber, org),
  );
}

/** The SI subscribed to a démarche under this SIRET (admin injection addresses communes by SIRET). */
export function subscribedSi(
  store: HubeeStore,
  companyRegister: string,
  processCode: string,
): StoredSubscription | undefined {
  return store.subscriptions.find(
    (s) =>
      s.processCode === processCode &&
      s.status === ACTIVE &&
      s.subscriber.type === "SI" &&
      s.subscriber.companyRegister === companyRegister,
  );
}

export interface SubscriptionFilter {
  processCode?: string[];
  status?: string;
  companyRegister?: string;
  orderBy?: string;
  offSet?: number;
  maxResult?: number;
}

/** `orderBy` columns of the spec mapped to fields (the common ones). */
const ORDER_COLUMNS: Record<string, (s: StoredSubscription) => string | number> = {
  id: (s) => s.id,
  datapass_id: (s) => s.datapassId,
  process_code: (s) => s.processCode,
  si_type: (s) => s.subscriber.type,
  si_company_register: (s) => s.subscriber.companyRegister,
  si_branch_code: (s) => s.subscriber.branchCode,
  access_mode: (s) => s.accessMode ?? "",
  status: (s) => s.status ?? "",
  activate_date_time: (s) => s.activateDateTime ?? "",
  update_date_time: (s) => s.updateDateTime ?? "",
};

/**
 * What an OSL may list: subscriptions of receiving SIs to the démarches the
 * OSL itself sends. Returns the page and the total for `Content-Range`.
 */
export function listSubscriptions(
  store: HubeeStore,
  visibleProcessCodes: string[],
  filter: SubscriptionFilter,
): { page: StoredSubscription[]; offset: number; total: number } {
  let rows = store.subscriptions.filter(
    (s) =>
      s.subscriber.type === "SI" &&
      visibleProcessCodes.includes(s.processCode) &&
      (!filter.processCode?.length || filter.processCode.includes(s.processCode)) &&
      (filter.status === undefined || s.status === filter.status) &&
      (filter.companyRegister === undefined || s.subscriber.companyRegister === filter.companyRegister),
  );
  const order = /^(asc|desc)\((\w+)\)$/.exec(filter.orderBy ?? "");
  const column = order ? ORDER_COLUMNS[order[2]] : undefined;
  if (order && column) {
    const direction = order[1] === "asc" ? 1 : -1;
    rows = [...rows].sort((a, b) => (column(a) < column(b) ? -direction : column(a) > column(b) ? direction : 0));
  }
  const offset = Math.max(0, filter.offSet ?? 0);
  const limit = filter.maxResult ?? rows.length;
  return { page: rows.slice(offset, offset + Math.max(0, limit)), offset, total: rows.length };
}

/** Démarches an organisation is actively subscribed to (for an OSL: what it may send). */
export function processCodesOf(store: HubeeStore, org: OrganizationIdentifier): string[] {
  return store.subscriptions
    .filter((s) => s.status === ACTIVE && sameOrganization(s.subscriber, org))
    .map((s) => s.processCode);
}
