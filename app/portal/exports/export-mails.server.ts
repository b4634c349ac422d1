import { eq } from "drizzle-orm";
import type { DbExecutor } from "../../../db/client.ts";
import { collectivities } from "../../../db/schema/index.ts";
import { notifyAgents } from "~/mail/notify.server";
import { communeMember } from "~/mail/recipients.server";
import { renderExportFinishedMail } from "~/mail/templates/notification-mails.server";

/** A background export is ready or failed: its requester is told, with a link (never the file). */
export async function mailExportFinished(
  db: DbExecutor,
  input: { exportId: string; collectivityId: string; requestedBy: string | null; ready: boolean },
): Promise<void> {
  if (!input.requestedBy) return;
  // Still a member: someone removed from the commune is not told about its families' file.
  const requester = await communeMember(db, input.collectivityId, input.requestedBy);
  if (!requester) return;
  const [commune] = await db
    .select({ name: collectivities.name, siret: collectivities.siret })
    .from(collectivities)
    .where(eq(collectivities.id, input.collectivityId));
  if (!commune) return;
  await notifyAgents(db, {
    recipients: [requester],
    kind: "export_finished",
    preference: "export_finished",
    causeKey: `export-finished:${input.exportId}`,
    collectivityId: input.collectivityId,
    render: (agentId) =>
      renderExportFinishedMail(agentId, {
        communeName: commune.name,
        siret: commune.siret,
        exportId: input.exportId,
        ready: input.ready,
      }),
  });
}
