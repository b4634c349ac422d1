import { CAMPAIGN_SCOPE_LABELS, ITEM_STATUS_LABELS, STOP_REASON_LABELS } from "../campaigns/campaign-labels";
import { EXPORT_FORMAT_INFO } from "../exports/export-formats";
import { DATE_PRESETS, INBOX_TABS, STATUS_LABELS } from "../dossiers/dossier-list-query";

/**
 * The journal's French reading of an entry: what it concerns and its details. The trail holds
 * ids, field names, counts and statuses only, so nothing here can name a person; a family file
 * is named by its identifier.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The family file an entry concerns: its own target, or the file an attachment belongs to. */
export function familyIdOf(entry: {
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}): string | null {
  const id = entry.targetType === "family" ? entry.targetId : entry.details.familyId;
  return typeof id === "string" && UUID.test(id) ? id.toLowerCase() : null;
}

/** The campaign an entry concerns. */
export function campaignIdOf(entry: { targetType: string | null; targetId: string | null }): string | null {
  return entry.targetType === "qf_campaign" && entry.targetId && UUID.test(entry.targetId) ? entry.targetId : null;
}

/**
 * "Dossier 3f2a9c1e": the first characters of the file's random id, which is not a name and
 * tells files apart in a commune's journal (the link carries the whole id).
 */
export const familyFileLabel = (familyId: string) => `Dossier ${familyId.slice(0, 8)}`;

const ROLE_LABELS: Record<string, string> = { admin: "administrateur", agent: "agent" };
const FIELD_LABELS: Record<string, string> = {
  hubeeSiClientId: "identifiant client HubEE",
  hubeeSiSecret: "secret HubEE",
  apiParticulierToken: "jeton API Particulier",
  redirectOrigins: "origines autorisées",
  contactEmail: "adresse de contact",
  contactPhone: "téléphone",
  website: "site internet",
};

const count = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);
const plural = (n: number, one: string, many: string) => `${n.toLocaleString("fr-FR")} ${n > 1 ? many : one}`;
const statusLabel = (value: unknown) =>
  typeof value === "string" && Object.hasOwn(STATUS_LABELS, value)
    ? STATUS_LABELS[value as keyof typeof STATUS_LABELS]
    : String(value);
const formatLabel = (value: unknown) =>
  typeof value === "string" && Object.hasOwn(EXPORT_FORMAT_INFO, value)
    ? EXPORT_FORMAT_INFO[value as keyof typeof EXPORT_FORMAT_INFO].extension.toUpperCase()
    : String(value);
const frenchDay = (day: unknown) =>
  typeof day === "string" && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day.split("-").reverse().join("/") : null;

/** The scope of an export as the inbox's filters put it ("onglet « Tous » · QF de 0 à 1 000"). */
export function exportScope(filters: unknown): string {
  const f = (filters && typeof filters === "object" ? filters : {}) as Record<string, unknown>;
  const parts: string[] = [];
  const tab = typeof f.tab === "string" && Object.hasOwn(INBOX_TABS, f.tab) ? f.tab : null;
  if (tab) parts.push(`onglet « ${INBOX_TABS[tab as keyof typeof INBOX_TABS].label} »`);
  if (f.status) parts.push(`statut « ${statusLabel(f.status)} »`);
  const search = f.search as { reference?: unknown; name?: unknown } | null | undefined;
  if (search && typeof search.reference === "string") parts.push(`référence ${search.reference}`);
  else if (search?.name) parts.push("recherche par nom");
  if (typeof f.period === "string" && Object.hasOwn(DATE_PRESETS, f.period))
    parts.push(`reçus ${DATE_PRESETS[f.period as keyof typeof DATE_PRESETS].toLowerCase()}`);
  const [from, to] = [frenchDay(f.from), frenchDay(f.to)];
  if (from && to) parts.push(`reçus du ${from} au ${to}`);
  else if (from) parts.push(`reçus depuis le ${from}`);
  else if (to) parts.push(`reçus jusqu’au ${to}`);
  const [qfMin, qfMax] = [count(f.qfMin), count(f.qfMax)];
  if (qfMin !== null && qfMax !== null)
    parts.push(`QF de ${qfMin.toLocaleString("fr-FR")} à ${qfMax.toLocaleString("fr-FR")}`);
  else if (qfMin !== null) parts.push(`QF d’au moins ${qfMin.toLocaleString("fr-FR")}`);
  else if (qfMax !== null) parts.push(`QF d’au plus ${qfMax.toLocaleString("fr-FR")}`);
  if (f.provider === "CNAF" || f.provider === "MSA") parts.push(f.provider === "MSA" ? "MSA" : "CAF");
  const children = count(f.children);
  if (children !== null) parts.push(plural(children, "enfant", "enfants"));
  return parts.length > 0 ? parts.join(" · ") : "tous les dossiers";
}

/** What an entry concerns when it is not one family file, a campaign nor an agent. */
export function otherTarget(action: string, details: Record<string, unknown>): string | null {
  if (action === "family_file.exported" || action === "family_file.export_downloaded") {
    const rows = count(details.rows);
    return rows === null ? "Liste de dossiers" : `Liste de ${plural(rows, "dossier", "dossiers")}`;
  }
  return null;
}

/** A short French reading of the entry's details (which are ids, field names, counts and statuses only). */
export function summariseDetails(action: string, details: Record<string, unknown>): string | null {
  const role = (value: unknown) => ROLE_LABELS[String(value)] ?? String(value);
  switch (action) {
    case "settings.updated":
      return Array.isArray(details.fields)
        ? `Champs : ${details.fields.map((f) => FIELD_LABELS[String(f)] ?? String(f)).join(", ")}`
        : null;
    case "settings.connection_tested":
      return `${details.service === "hubee" ? "HubEE" : "API Particulier"} : ${details.level === "success" ? "réussi" : "échec"}`;
    case "membership.role_changed":
      return `${role(details.from)} → ${role(details.to)}`;
    case "invitation.created":
    case "invitation.accepted":
    case "membership.created":
    case "membership.revoked":
      return details.role ? `Rôle : ${role(details.role)}` : null;
    case "family_file.status_changed":
      return details.from && details.to ? `${statusLabel(details.from)} → ${statusLabel(details.to)}` : null;
    case "family_file.exported":
      return `Format ${formatLabel(details.format)} · ${exportScope(details.filters)}`;
    case "family_file.export_downloaded":
      return `Format ${formatLabel(details.format)}`;
    case "family_file.erased": {
      const attachments = count(details.attachments);
      return attachments === null ? null : `${plural(attachments, "pièce jointe effacée", "pièces jointes effacées")}`;
    }
    case "qf_lookup.saved":
      return details.isNew ? "Dossier créé depuis la recherche" : "QF ajouté au dossier existant";
    case "qf_campaign.started": {
      const scope = CAMPAIGN_SCOPE_LABELS[details.scope as keyof typeof CAMPAIGN_SCOPE_LABELS];
      const total = count(details.total);
      return [
        scope,
        total === null ? null : plural(total, "dossier", "dossiers"),
        details.retryOf ? "relance des échecs" : null,
        details.trigger === "cron" ? "lancée automatiquement" : null,
      ]
        .filter(Boolean)
        .join(" · ");
    }
    case "qf_campaign.finished": {
      const counts = (details.counts ?? {}) as Record<string, unknown>;
      const parts = Object.entries(ITEM_STATUS_LABELS)
        .map(([status, label]) => [label, count(counts[status])] as const)
        .filter(([, n]) => n !== null && n > 0)
        .map(([label, n]) => `${label} : ${n!.toLocaleString("fr-FR")}`);
      return parts.length > 0 ? parts.join(" · ") : null;
    }
    case "qf_campaign.stopped":
      return typeof details.reason === "string" && STOP_REASON_LABELS[details.reason]
        ? STOP_REASON_LABELS[details.reason]!.replace(/^arrêtée : /, "").replace(/^./, (c) => c.toUpperCase())
        : null;
    default:
      return null;
  }
}
