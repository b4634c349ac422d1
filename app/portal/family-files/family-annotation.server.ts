import type { Database } from "../../../db/client.ts";
import { familyAnnotations } from "../../../db/schema/index.ts";

/** The agents' private note on a family file: one per file, replaced as a whole, never shown to the family. */
export async function saveAnnotation(
  db: Database,
  input: { collectivityId: string; familyId: string; agentId: string; body: string },
) {
  const now = new Date();
  await db
    .insert(familyAnnotations)
    .values({ ...input, updatedBy: input.agentId, updatedAt: now })
    .onConflictDoUpdate({
      target: familyAnnotations.familyId,
      set: { body: input.body, updatedBy: input.agentId, updatedAt: now },
    });
}
