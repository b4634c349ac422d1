import { eq } from "drizzle-orm";
import type { DbExecutor } from "../../../db/client.ts";
import { agents, collectivities } from "../../../db/schema/index.ts";
import { enqueueMail } from "~/mail/outbox.server";
import { communeAdministrators } from "~/mail/recipients.server";
import {
  renderInvitationMail,
  renderJoinRequestMail,
  renderJoinRequestOutcomeMail,
} from "~/mail/templates/access-mails.server";

/**
 * The access mails, enqueued in the transaction of the invitation or request that causes them
 * (ADR 024). Agents' names and addresses only: access concerns no family.
 */

async function commune(db: DbExecutor, collectivityId: string) {
  const [row] = await db
    .select({ name: collectivities.name, siret: collectivities.siret })
    .from(collectivities)
    .where(eq(collectivities.id, collectivityId));
  if (!row) throw new Error(`Collectivité ${collectivityId} introuvable`);
  return row;
}

async function agentName(db: DbExecutor, agentId: string): Promise<string | null> {
  const [row] = await db
    .select({ givenName: agents.givenName, usualName: agents.usualName })
    .from(agents)
    .where(eq(agents.id, agentId));
  return row ? `${row.givenName} ${row.usualName}`.trim() : null;
}

export async function mailInvitation(
  db: DbExecutor,
  input: {
    invitationId: string;
    collectivityId: string;
    email: string;
    role: "admin" | "agent";
    invitedBy: string | null;
    expiresAt: Date;
    now: Date;
  },
): Promise<void> {
  const { name } = await commune(db, input.collectivityId);
  const mail = await renderInvitationMail({
    communeName: name,
    role: input.role,
    inviterName: input.invitedBy ? await agentName(db, input.invitedBy) : null,
    expiresAt: input.expiresAt,
  });
  // Inviting the same address again within a minute (a double click) mails once.
  const minute = Math.floor(input.now.getTime() / 60_000);
  await enqueueMail(db, {
    ...mail,
    idempotencyKey: `invitation:${input.invitationId}:${minute}`,
    kind: "invitation",
    collectivityId: input.collectivityId,
    to: input.email,
  });
}

/** To every administrator of the commune: someone asks to join. */
export async function mailJoinRequest(
  db: DbExecutor,
  input: { joinRequestId: string; collectivityId: string; requester: { agentId: string } | { email: string } },
): Promise<void> {
  const { name, siret } = await commune(db, input.collectivityId);
  const requesterName =
    "agentId" in input.requester
      ? ((await agentName(db, input.requester.agentId)) ?? "Un agent")
      : `Le demandeur DataPass ${input.requester.email}`;
  const mail = await renderJoinRequestMail({ communeName: name, siret, requesterName });
  for (const admin of await communeAdministrators(db, input.collectivityId)) {
    await enqueueMail(db, {
      ...mail,
      idempotencyKey: `join-request:${input.joinRequestId}:${admin.agentId}`,
      kind: "join_request",
      collectivityId: input.collectivityId,
      to: admin.email,
    });
  }
}

/** To the requester: the administrators' decision. */
export async function mailJoinRequestOutcome(
  db: DbExecutor,
  input: { joinRequestId: string; collectivityId: string; to: string; accepted: boolean },
): Promise<void> {
  const { name } = await commune(db, input.collectivityId);
  const mail = await renderJoinRequestOutcomeMail({ communeName: name, accepted: input.accepted });
  await enqueueMail(db, {
    ...mail,
    idempotencyKey: `join-request-outcome:${input.joinRequestId}`,
    kind: "join_request_outcome",
    collectivityId: input.collectivityId,
    to: input.to,
  });
}
