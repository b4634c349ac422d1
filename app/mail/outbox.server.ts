import type { DbExecutor } from "../../db/client.ts";
import { mailOutbox, type MailKind } from "../../db/schema/index.ts";

/**
 * Enqueueing only writes a row, in the caller's transaction: the change and its mail commit
 * together or not at all, and no SMTP call runs in a request (the worker sends, delivery.server.ts).
 */

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
  /** List-Unsubscribe and List-Unsubscribe-Post for the optional mails. */
  headers?: Record<string, string>;
}

export interface MailToEnqueue extends RenderedMail {
  /** Unique per message (e.g. "invitation:<id>:<address>"): a second enqueue of it is a no-op. */
  idempotencyKey: string;
  kind: MailKind;
  collectivityId: string | null;
  to: string;
}

/** Returns false when a mail with that key already exists (a retried action, a double click). */
export async function enqueueMail(db: DbExecutor, mail: MailToEnqueue, now: Date = new Date()): Promise<boolean> {
  const inserted = await db
    .insert(mailOutbox)
    .values({
      idempotencyKey: mail.idempotencyKey,
      kind: mail.kind,
      collectivityId: mail.collectivityId,
      recipient: mail.to,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      headers: mail.headers ?? {},
      nextAttemptAt: now,
      createdAt: now,
    })
    .onConflictDoNothing({ target: mailOutbox.idempotencyKey })
    .returning({ id: mailOutbox.id });
  return inserted.length > 0;
}
