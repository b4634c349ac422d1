import type { Database } from "../../db/client.ts";
import { deliverDueMails } from "../../app/mail/delivery.server.ts";
import { createMailTransport } from "../../app/mail/transport.server.ts";
import type { RunningSimulators } from "../../simulators/server.ts";

export const TEST_MAIL_FROM = "Portail QF <ne-pas-repondre@portail-qf.localhost>";

export interface ReceivedMail {
  id: string;
  subject: string;
  messageId: string | null;
  envelopeTo: string[];
  headers: { key: string; line: string }[];
  text: string;
  html: string | null;
}

/** Runs the mail outbox once against the simulators' SMTP server (what the deliver-mails job does). */
export async function sendMailOutbox(db: Database, simulators: RunningSimulators, now = new Date()) {
  const transport = createMailTransport({ url: simulators.smtpUrl, requireTls: false, timeoutMs: 5_000 });
  try {
    return await deliverDueMails({ db, transport, from: TEST_MAIL_FROM, ratePerMinute: 1_000, now: () => now });
  } finally {
    transport.close();
  }
}

/** Every message the SMTP simulator received, newest first, as GET /mails.json serves them. */
export async function readMailbox(simulators: { url: string }): Promise<ReceivedMail[]> {
  const response = await fetch(`${simulators.url}/mails.json`);
  return ((await response.json()) as { messages: ReceivedMail[] }).messages;
}

export const header = (mail: ReceivedMail, key: string) =>
  mail.headers.find((h) => h.key === key.toLowerCase())?.line.replace(/^[^:]+:\s*/, "");
