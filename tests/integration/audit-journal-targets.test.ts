import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { listJournal, parseJournalQuery } from "../../app/portal/journal/journal.server.ts";
import { recordAudit } from "../../app/audit/audit.server.ts";
import { createCampaign } from "../../app/portal/campaigns/campaigns.server.ts";
import { eraseFamilyFile } from "../../app/portal/family-files/family-erasure.server.ts";
import { requestExport } from "../../app/portal/exports/exports.server.ts";
import { parseInboxQuery } from "../../app/portal/dossiers/dossier-list-query.ts";
import JournalPage from "../../app/routes/portail.communes.$siret.journal.tsx";
import { insertFamily } from "../helpers/export-fixtures.ts";
import { createAgent, createCommune } from "../helpers/portal-fixtures.ts";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";

const query = (params: Record<string, string> = {}) => parseJournalQuery(new URLSearchParams(params));

/**
 * "Who looked at this family's file?": the journal names the file each entry concerns (by its
 * identifier, never a person's name), reads status changes, exports and campaigns out, and can be
 * narrowed to one file, of the commune's own entries only.
 */
describe("journal entries about family files, exports and campaigns", () => {
  let handle: DatabaseHandle;
  let communeId: string;
  let familyId: string;
  let otherFamilyId: string;
  let erasedId: string;
  let campaignId: string;
  let foreignFamilyId: string;

  beforeAll(async () => {
    handle = await createTestDatabase();
    const db = handle.db;
    const commune = await createCommune(db, "Journal-dossiers", 301);
    communeId = commune.id;
    const other = await createCommune(db, "Journal-ailleurs", 302);
    const agent = await createAgent(db, { email: "paul@journal.fr", givenName: "Paul", usualName: "Durand" });
    // A usable pivot identity, so that a campaign takes this file.
    familyId = await insertFamily(db, communeId, {
      familyName: "SECRET-NOM",
      givenNames: "Jeanne",
      identityKey: "a".repeat(64),
      gender: "female",
      birthcountry: "99100",
    });
    otherFamilyId = await insertFamily(db, communeId, { familyName: "AUTRE", givenNames: "Luc" });
    erasedId = await insertFamily(db, communeId, { familyName: "EFFACE", givenNames: "Zoé" });
    const entry = (action: string, target: string, details: Record<string, unknown> = {}) =>
      recordAudit(db, {
        actor: agent.id,
        collectivityId: communeId,
        action,
        targetType: "family",
        targetId: target,
        details,
      });
    // The shapes the family file page and the attachment route record.
    await entry("family_file.viewed", familyId);
    await entry("family_file.status_changed", familyId, { from: "received", to: "in_progress" });
    await recordAudit(db, {
      actor: agent.id,
      collectivityId: communeId,
      action: "attachment.downloaded",
      targetType: "attachment",
      targetId: "00000000-0000-4000-8000-000000000001",
      details: { familyId },
    });
    await entry("family_file.viewed", otherFamilyId);
    await entry("family_file.viewed", erasedId);
    await eraseFamilyFile(db, { collectivityId: communeId, familyId: erasedId, actor: agent.id });
    // Another commune's entries, about its own file and about this id, never show in this commune's journal.
    foreignFamilyId = await insertFamily(db, other.id, { familyName: "VOISIN" });
    for (const target of [foreignFamilyId, familyId]) {
      await recordAudit(db, {
        actor: agent.id,
        collectivityId: other.id,
        action: "family_file.viewed",
        targetType: "family",
        targetId: target,
      });
    }
    // A real export and a real campaign, recorded by their own modules.
    await requestExport(db, {
      collectivity: { id: communeId, name: commune.name },
      agentId: agent.id,
      query: parseInboxQuery(new URLSearchParams("onglet=tous&qfMin=100&qfMax=2000&q=jeanne")),
      format: "csv",
      threshold: 1000,
    });
    const campaign = await createCampaign(db, {
      collectivityId: communeId,
      period: { annee: 2026, mois: 1 },
      familyIds: [familyId],
      scope: "selection",
      trigger: "agent",
      agentId: agent.id,
    });
    campaignId = campaign!.id;
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("names the family file of each entry by its identifier, with a link while it exists", async () => {
    const { entries } = await listJournal(handle.db, communeId, query());
    const viewed = entries.find((e) => e.action === "family_file.viewed" && e.familyId === familyId)!;
    expect(viewed).toMatchObject({
      target: `Dossier ${familyId.slice(0, 8)}`,
      targetPath: `dossiers/${familyId}`,
      actor: "Paul Durand",
    });
    const attachment = entries.find((e) => e.action === "attachment.downloaded")!;
    expect(attachment).toMatchObject({ familyId, targetPath: `dossiers/${familyId}` });
    // An erased file keeps its identifier in the trail, without a link to nowhere.
    const erased = entries.find((e) => e.action === "family_file.erased")!;
    expect(erased).toMatchObject({ target: `Dossier ${erasedId.slice(0, 8)} (supprimé)`, targetPath: null });
    // No personal data read out: the family's names appear nowhere in the journal.
    expect(JSON.stringify(entries)).not.toMatch(/SECRET-NOM|Jeanne|jeanne|EFFACE|Zoé/);
  });

  it("says from which status to which, and an export's format, scope and count", async () => {
    const { entries } = await listJournal(handle.db, communeId, query());
    expect(entries.find((e) => e.action === "family_file.status_changed")?.summary).toBe("À traiter → En cours");
    const exported = entries.find((e) => e.action === "family_file.exported")!;
    expect(exported.target).toBe("Liste de 1 dossier");
    expect(exported.summary).toBe("Format CSV · onglet « Tous » · recherche par nom · QF de 100 à 2\u202f000");
  });

  it("says which campaign, with a link to its report", async () => {
    const { entries } = await listJournal(handle.db, communeId, query());
    expect(entries.find((e) => e.action === "qf_campaign.started")).toMatchObject({
      target: "Mise à jour des QF de janvier 2026",
      targetPath: `campagnes/${campaignId}`,
      summary: "Dossiers sélectionnés · 1 dossier",
    });
  });

  it("narrows to one family file, within the commune only", async () => {
    const page = await listJournal(handle.db, communeId, query({ dossier: familyId.toUpperCase() }));
    expect(page.entries.map((e) => e.action)).toEqual([
      "attachment.downloaded",
      "family_file.status_changed",
      "family_file.viewed",
    ]);
    expect(page.entries.every((e) => e.familyId === familyId)).toBe(true);
    // Another commune's file gives nothing here.
    expect((await listJournal(handle.db, communeId, query({ dossier: foreignFamilyId }))).entries).toEqual([]);
    expect(query({ dossier: "../../etc" }).familyId).toBeNull();

    const html = await renderRoute(
      JournalPage,
      { commune: { name: "Journal-dossiers", siret: "21990000003015" }, query: query({ dossier: familyId }), page },
      "/portail/communes/21990000003015/journal",
    );
    expect(html).toContain(`Historique des accès au dossier ${familyId.slice(0, 8)}`);
    // The filter survives the other filters' form, and each entry links to the file.
    expect(html).toContain(`<input type="hidden" name="dossier" value="${familyId}"/>`);
    expect(html).toContain(`href="/portail/communes/21990000003015/dossiers/${familyId}"`);
  });
});
