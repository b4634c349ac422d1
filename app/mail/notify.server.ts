import type { DbExecutor } from "../../db/client.ts";
import type { MailKind, OptionalMailKind } from "../../db/schema/index.ts";
import { enqueueMail, type RenderedMail } from "./outbox.server";
import { wantsMail, type MailRecipient } from "./recipients.server";

/**
 * An optional notification to some agents, in the caller's transaction: each recipient who did
 * not turn that kind off gets their own message (their own unsubscribe link), keyed by the
 * cause and the agent so a retried cause mails nobody twice.
 */
export async function notifyAgents(
  db: DbExecutor,
  input: {
    recipients: MailRecipient[];
    kind: MailKind;
    preference: OptionalMailKind;
    /** The cause, e.g. "campaign-ended:<id>". */
    causeKey: string;
    collectivityId: string | null;
    render(agentId: string): Promise<RenderedMail>;
  },
): Promise<number> {
  let enqueued = 0;
  const seen = new Set<string>();
  for (const recipient of input.recipients) {
    if (seen.has(recipient.agentId)) continue;
    seen.add(recipient.agentId);
    if (!(await wantsMail(db, recipient.agentId, input.preference, recipient.role === "admin"))) continue;
    const mail = await input.render(recipient.agentId);
    const created = await enqueueMail(db, {
      ...mail,
      idempotencyKey: `${input.causeKey}:${recipient.agentId}`,
      kind: input.kind,
      collectivityId: input.collectivityId,
      to: recipient.email,
    });
    if (created) enqueued++;
  }
  return enqueued;
}
