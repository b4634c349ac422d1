import type { Database } from "../../../db/client.ts";
import { formatDate, formatDateTime } from "~/domain/paris-time";
import { getSettingsView } from "~/portal/settings/collectivity-settings.server";
import { listRefusedRedirectOrigins } from "~/portal/settings/refused-redirect-origins.server";

/** Secrets never leave the server: the page only learns whether, and since when, they are set. */
export async function loadSettingsPage(db: Database, collectivityId: string, { allowHttpOrigins = false } = {}) {
  const [settings, refused] = await Promise.all([
    getSettingsView(db, collectivityId),
    listRefusedRedirectOrigins(db, collectivityId),
  ]);
  const day = (value: Date | null) => (value ? formatDate(value) : null);
  const { hubeeSi, apiParticulier, redirectOrigins, publicPage } = settings;
  return {
    hubeeSi: { clientId: hubeeSi.clientId, secretConfiguredOn: day(hubeeSi.secretConfiguredAt) },
    apiParticulier: { tokenConfiguredOn: day(apiParticulier.tokenConfiguredAt) },
    redirectOrigins,
    /** Return addresses the commune's links carried but it had not registered: why a family had no way back. */
    refusedOrigins: refused.map((r) => ({ origin: r.origin, count: r.count, lastSeen: formatDateTime(r.lastSeenAt) })),
    publicPage,
    allowHttpOrigins,
    /**
     * Each form's React key changes when what it saves changes: after a save and its redirect the
     * form is rebuilt from the stored values, so no typed secret lingers in the page, while a
     * connection test (no change) leaves what was typed in place, ready to be saved.
     */
    formKeys: {
      hubee: `hubee-${hubeeSi.clientId ?? ""}-${hubeeSi.secretConfiguredAt?.toISOString() ?? ""}`,
      apiParticulier: `token-${apiParticulier.tokenConfiguredAt?.toISOString() ?? ""}`,
      origins: `origins-${redirectOrigins.join(" ")}`,
      publicPage: `page-${Object.values(publicPage).join(" ")}`,
    },
  };
}

export type SettingsPage = Awaited<ReturnType<typeof loadSettingsPage>>;
