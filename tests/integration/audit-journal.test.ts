import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { listJournal, parseJournalQuery } from "../../app/portal/journal/journal.server.ts";
import { recordAudit } from "../../app/audit/audit.server.ts";
import JournalPage from "../../app/routes/portail.communes.$siret.journal.tsx";
import { createAgent, createCommune } from "../helpers/portal-fixtures.ts";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";

const query = (params: Record<string, string> = {}) => parseJournalQuery(new URLSearchParams(params));

/** The administrator's view of the trail: one commune only, filters, keyset pages both ways. */
describe("commune journal", () => {
  let handle: DatabaseHandle;
  let communeId: string;
  let otherId: string;

  beforeAll(async () => {
    handle = await createTestDatabase();
    const db = handle.db;
    communeId = (await createCommune(db, "Journal-test", 201)).id;
    otherId = (await createCommune(db, "Autre-journal", 202)).id;
    const actor = await createAgent(db, { email: "claire@journal.fr", givenName: "Claire", usualName: "Lefebvre" });
    for (let i = 0; i < 12; i++) {
      await recordAudit(db, {
        actor: actor.id,
        collectivityId: communeId,
        action: i % 3 === 0 ? "settings.updated" : "family_file.viewed",
        targetType: i % 3 === 0 ? "collectivity" : "family_file",
        targetId: String(i),
        details: i % 3 === 0 ? { section: "hubee", fields: ["hubeeSiSecret"] } : {},
      });
    }
    await recordAudit(db, { actor: null, collectivityId: otherId, action: "settings.updated" });
    // Two entries dated in the past (a test-only rewrite: the chain is not checked here).
    await db.execute(sql`update audit_events set occurred_at = '2024-06-10T10:00:00Z' where target_id in ('1', '2')`);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("shows only the commune's entries, newest first, with names resolved and details read out", async () => {
    const page = await listJournal(handle.db, communeId, query(), 50);
    expect(page.entries).toHaveLength(12);
    expect(page.entries.map((e) => e.id)).toEqual([...page.entries.map((e) => e.id)].sort((a, b) => b - a));
    expect(page.entries[0]).toMatchObject({ actor: "Claire Lefebvre" });
    expect(page.entries.find((e) => e.action === "settings.updated")).toMatchObject({
      actionLabel: "Paramètres modifiés",
      summary: "Champs : secret HubEE",
    });
    expect(page).toMatchObject({ olderThan: null, newerThan: null });
  });

  it("filters by action and by day", async () => {
    expect((await listJournal(handle.db, communeId, query({ action: "settings.updated" }))).entries).toHaveLength(4);
    expect(
      (await listJournal(handle.db, communeId, query({ du: "2024-06-10", au: "2024-06-10" }))).entries.map(
        (e) => e.action,
      ),
    ).toEqual(["family_file.viewed", "family_file.viewed"]);
    expect((await listJournal(handle.db, communeId, query({ au: "2024-06-09" }))).entries).toEqual([]);
    // The day fields' labels make sense alone, as a screen reader or voice control reads them.
    const html = await renderRoute(
      JournalPage,
      {
        commune: { name: "Journal-test", siret: "21990000002010" },
        query: query({ du: "2024-06-10", au: "2024-06-10" }),
        page: { entries: [], olderThan: null, newerThan: null },
      },
      "/portail/communes/21990000002010/journal",
    );
    expect(html).toContain('<label class="fr-label" for="du">Entrées à partir du</label>');
    expect(html).toContain('<label class="fr-label" for="au">Entrées jusqu’au</label>');
    // Garbage in the URL is ignored, not an error.
    expect(query({ action: "'; drop table", du: "hier", avant: "-3", dossier: "1' or '1'='1" })).toEqual({
      action: null,
      familyId: null,
      from: null,
      to: null,
      before: null,
      after: null,
    });
  });

  it("pages by id in both directions without gaps or repeats", async () => {
    const first = await listJournal(handle.db, communeId, query(), 5);
    expect(first.entries).toHaveLength(5);
    expect(first.newerThan).toBeNull();
    const second = await listJournal(handle.db, communeId, query({ avant: String(first.olderThan) }), 5);
    const third = await listJournal(handle.db, communeId, query({ avant: String(second.olderThan) }), 5);
    expect(third.entries).toHaveLength(2);
    expect(third.olderThan).toBeNull();
    const ids = [...first.entries, ...second.entries, ...third.entries].map((e) => e.id);
    expect(new Set(ids).size).toBe(12);
    const back = await listJournal(handle.db, communeId, query({ apres: String(third.newerThan) }), 5);
    expect(back.entries.map((e) => e.id)).toEqual(second.entries.map((e) => e.id));
    const top = await listJournal(handle.db, communeId, query({ apres: String(back.newerThan) }), 5);
    expect(top.entries.map((e) => e.id)).toEqual(first.entries.map((e) => e.id));
    expect(top.newerThan).toBeNull();
  });
});
