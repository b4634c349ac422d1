import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { mailOutbox } from "../../db/schema/index.ts";
import { deliverDueMails, mailOutboxCounts, type MailDeliveryDeps } from "../../app/mail/delivery.server.ts";
import { messageIdFor } from "../../app/mail/message-id.server.ts";
import { enqueueMail } from "../../app/mail/outbox.server.ts";
import { createMailTransport } from "../../app/mail/transport.server.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

const FROM = "Portail QF <ne-pas-repondre@portail-qf.localhost>";
let handle: DatabaseHandle;
let simulators: RunningSimulators;

beforeAll(async () => {
  handle = await createTestDatabase();
  simulators = await startSimulators({ port: 0 });
});
afterAll(async () => {
  await simulators?.close();
  await handle?.close();
});
beforeEach(async () => {
  simulators.reset();
  await handle.db.delete(mailOutbox);
});

function deps(now: Date, overrides: Partial<MailDeliveryDeps> = {}): MailDeliveryDeps {
  return {
    db: handle.db,
    transport: createMailTransport({ url: simulators.smtpUrl, requireTls: false, timeoutMs: 2_000 }),
    from: FROM,
    ratePerMinute: 100,
    now: () => now,
    random: () => 1,
    ...overrides,
  };
}

async function enqueue(key: string, at: Date) {
  return enqueueMail(
    handle.db,
    {
      idempotencyKey: key,
      kind: "invitation",
      collectivityId: null,
      to: "agent@mairie.example.fr",
      subject: `Objet ${key}`,
      html: `<p>Bonjour ${key}</p>`,
      text: `Bonjour ${key}`,
      headers: { "X-Portail-Test": "1" },
    },
    at,
  );
}

async function mailbox() {
  const response = await fetch(`${simulators.url}/mails.json`);
  return ((await response.json()) as { messages: { subject: string; messageId: string; envelopeTo: string[] }[] })
    .messages;
}

describe("the mail outbox over real SMTP", () => {
  it("sends a mail once, with a Message-ID derived from its idempotency key; a second enqueue is a no-op", async () => {
    const now = new Date();
    expect(await enqueue("invitation:1", now)).toBe(true);
    expect(await enqueue("invitation:1", now)).toBe(false);
    expect(await deliverDueMails(deps(now))).toMatchObject({ sent: 1, failed: 0 });
    expect(await deliverDueMails(deps(now))).toMatchObject({ sent: 0 });
    const received = await mailbox();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      subject: "Objet invitation:1",
      messageId: messageIdFor("invitation:1", FROM),
      envelopeTo: ["agent@mairie.example.fr"],
    });
    const [row] = await handle.db.select().from(mailOutbox);
    expect(row).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    // The mailbox pages list and show it.
    const list = await (await fetch(`${simulators.url}/mails`)).text();
    expect(list).toContain("Objet invitation:1");
  });

  it("keeps mails through a 4xx outage and sends each exactly once when it ends", async () => {
    const start = new Date();
    for (const key of ["a", "b", "c"]) await enqueue(`outage:${key}`, start);
    simulators.modules.smtp.setFault({ mode: "tempfail" });
    expect(await deliverDueMails(deps(start))).toMatchObject({ sent: 0, retry_scheduled: 3 });
    const rows = await handle.db.select().from(mailOutbox);
    expect(rows.every((r) => r.status === "pending" && r.lastError === "SMTP 451")).toBe(true);
    // Backoff: nothing is due right after.
    expect(await deliverDueMails(deps(new Date(start.getTime() + 1_000)))).toMatchObject({ sent: 0 });
    // The connection closed without an answer is retried too.
    simulators.modules.smtp.setFault({ mode: "disconnect" });
    expect(await deliverDueMails(deps(new Date(start.getTime() + 31_000)))).toMatchObject({ retry_scheduled: 3 });
    simulators.modules.smtp.clearFault();
    const later = new Date(start.getTime() + 10 * 60_000);
    expect(await deliverDueMails(deps(later))).toMatchObject({ sent: 3, failed: 0 });
    expect(await deliverDueMails(deps(new Date(later.getTime() + 3_600_000)))).toMatchObject({ sent: 0 });
    const received = await mailbox();
    expect(received.map((m) => m.subject).sort()).toEqual(["Objet outage:a", "Objet outage:b", "Objet outage:c"]);
    expect((await handle.db.select().from(mailOutbox)).map((r) => r.attempts)).toEqual([3, 3, 3]);
  });

  it("gives up at once on a 5xx and counts it on the dashboard, without sending it", async () => {
    const now = new Date();
    await enqueue("permanent", now);
    simulators.modules.smtp.setFault({ mode: "permfail" });
    expect(await deliverDueMails(deps(now))).toMatchObject({ failed: 1 });
    simulators.modules.smtp.clearFault();
    expect(await deliverDueMails(deps(new Date(now.getTime() + 86_400_000)))).toMatchObject({ sent: 0 });
    expect(await mailbox()).toHaveLength(0);
    const [row] = await handle.db.select().from(mailOutbox);
    expect(row).toMatchObject({ status: "failed", lastError: "SMTP 550", attempts: 1 });
    expect(await mailOutboxCounts(handle.db)).toEqual({ pending: 0, failed: 1, maybeSent: 0 });
  });

  it("never resends a mail whose worker died during the attempt: it becomes « maybe sent »", async () => {
    const now = new Date();
    await enqueue("crash", now);
    // A worker recorded its attempt then died (status sending, lease running).
    await handle.db
      .update(mailOutbox)
      .set({ status: "sending", attempts: 1, lastAttemptAt: now, lockedUntil: new Date(now.getTime() + 120_000) })
      .where(eq(mailOutbox.idempotencyKey, "crash"));
    expect(await deliverDueMails(deps(new Date(now.getTime() + 60_000)))).toMatchObject({ sent: 0, maybe_sent: 0 });
    expect(await deliverDueMails(deps(new Date(now.getTime() + 180_000)))).toMatchObject({ sent: 0, maybe_sent: 1 });
    expect(await deliverDueMails(deps(new Date(now.getTime() + 3_600_000)))).toMatchObject({ sent: 0 });
    expect(await mailbox()).toHaveLength(0);
    expect(await mailOutboxCounts(handle.db)).toEqual({ pending: 0, failed: 0, maybeSent: 1 });
  });

  it("sends no more than the rate per minute, across runs", async () => {
    const now = new Date();
    for (let i = 0; i < 5; i++) await enqueue(`rate:${i}`, now);
    expect(await deliverDueMails(deps(now, { ratePerMinute: 2 }))).toMatchObject({ sent: 2 });
    expect(await deliverDueMails(deps(new Date(now.getTime() + 30_000), { ratePerMinute: 2 }))).toMatchObject({
      sent: 0,
    });
    expect(await deliverDueMails(deps(new Date(now.getTime() + 61_000), { ratePerMinute: 2 }))).toMatchObject({
      sent: 2,
    });
    expect(await mailbox()).toHaveLength(4);
  });
});
