import type { Principal } from "./auth.ts";
import { notFound, unauthorizedUser } from "./errors.ts";
import type { StoredCase, StoredFolder } from "./model.ts";
import { sameOrganization } from "./organizations.ts";
import type { Actor } from "./status-machine.ts";
import type { HubeeStore } from "./store.ts";

/**
 * Who may touch what: a folder belongs to the OSL that sent it, a case to that
 * OSL and to its recipient SI. Existing but foreign → 403, unknown → 404.
 */

export type Party = Exclude<Actor, "hubee">;

export function folderOfSender(store: HubeeStore, principal: Principal, folderId: string): StoredFolder {
  const folder = store.folders.get(folderId);
  if (!folder) throw notFound("Folder is not found");
  if (!sameOrganization(folder.transmitter, principal.organization)) throw unauthorizedUser();
  return folder;
}

/** Cases not yet handed to HubEE's notifier do not exist for their recipient. */
function visibleToRecipient(kase: StoredCase): boolean {
  return kase.status !== "HUBEE_RECEIVED" && kase.status !== "HUBEE_COMPLETED";
}

export function caseOfParty(
  store: HubeeStore,
  principal: Principal,
  caseId: string,
): { folder: StoredFolder; kase: StoredCase; party: Party } {
  const found = store.findCase(caseId);
  if (!found) throw notFound("Case is not found");
  const { folder, kase } = found;
  if (principal.scope === "OSL" && sameOrganization(folder.transmitter, principal.organization)) {
    return { folder, kase, party: "transmitter" };
  }
  if (principal.scope === "SI" && sameOrganization(kase.recipient, principal.organization)) {
    if (!visibleToRecipient(kase)) throw notFound("Case is not found");
    return { folder, kase, party: "recipient" };
  }
  throw unauthorizedUser();
}
