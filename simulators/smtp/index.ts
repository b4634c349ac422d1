import type { AddressInfo } from "node:net";
import express from "express";
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerSession } from "smtp-server";
import { z } from "zod";
import type { SimulatorModule } from "../shared/types.ts";
import { createMailboxRouter, mailsJson } from "./mailbox-pages.ts";

/**
 * A real SMTP server (smtp-server) that keeps every message it accepts, parsed with mailparser,
 * for the mailbox pages (/mails, /mails.json). Faults, for tests and demos: refuse with a 4xx
 * (for a duration), refuse with a 5xx, close the connection without an answer.
 */

export interface StoredMail {
  id: string;
  receivedAt: string;
  envelopeFrom: string;
  envelopeTo: string[];
  messageId: string | null;
  from: string;
  to: string;
  subject: string;
  /** Every header line as received, in order. */
  headers: { key: string; line: string }[];
  text: string;
  html: string | null;
}

const faultSchema = z.object({
  mode: z.enum(["tempfail", "permfail", "disconnect"]),
  /** Absent: until cleared. */
  durationMs: z.number().int().positive().optional(),
});
type Fault = z.infer<typeof faultSchema> & { until: number | null };

export interface SmtpSimulator extends SimulatorModule {
  port: number;
  messages(): StoredMail[];
  setFault(fault: z.input<typeof faultSchema>): void;
  clearFault(): void;
}

export async function createSmtpSimulator(options: { port?: number; host?: string }): Promise<SmtpSimulator> {
  let messages: StoredMail[] = [];
  let nextId = 1;
  let fault: Fault | null = null;

  const activeFault = (): Fault | null => {
    if (fault && fault.until !== null && fault.until <= Date.now()) fault = null;
    return fault;
  };

  const server = new SMTPServer({
    // Plain SMTP on the loopback: no certificate to trust in a demo.
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    onAuth: (_auth, _session, callback) => callback(null, { user: "demo" }),
    banner: "Simulateur SMTP de Portail QF",
    size: 10 * 1024 * 1024,
    logger: false,
    onMailFrom(_address, session, callback) {
      const current = activeFault();
      if (current?.mode === "disconnect") {
        dropConnection(server, session);
        return;
      }
      if (current) return callback(smtpError(current.mode));
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const current = activeFault();
          if (current?.mode === "disconnect") return dropConnection(server, session);
          if (current) return callback(smtpError(current.mode));
          messages.push({
            id: String(nextId++),
            receivedAt: new Date().toISOString(),
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            messageId: parsed.messageId ?? null,
            from: parsed.from?.text ?? "",
            to: Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(", ") : (parsed.to?.text ?? ""),
            subject: parsed.subject ?? "",
            headers: parsed.headerLines.map((h) => ({ key: h.key, line: h.line })),
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : null,
          });
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error("message illisible")));
    },
  });
  server.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  const admin = express.Router();
  admin.use(express.json());
  admin.get("/messages", (_req, res) => void res.json(mailsJson(messages)));
  admin.delete("/messages", (_req, res) => {
    messages = [];
    res.status(204).end();
  });
  admin.get("/faults", (_req, res) => void res.json({ fault: activeFault() }));
  admin.post("/faults", (req, res) => {
    const parsed = faultSchema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: parsed.error.message });
    fault = { ...parsed.data, until: parsed.data.durationMs ? Date.now() + parsed.data.durationMs : null };
    res.status(201).json({ fault });
  });
  admin.delete("/faults", (_req, res) => {
    fault = null;
    res.status(204).end();
  });

  const byId = (id: string) => messages.find((m) => m.id === id);
  return {
    name: "smtp",
    port,
    routes: [
      { prefix: "/mails.json", handler: (_req, res) => void res.json(mailsJson(messages)) },
      { prefix: "/mails", handler: createMailboxRouter({ list: () => messages, byId }) },
    ],
    admin,
    reset() {
      messages = [];
      fault = null;
    },
    snapshot: () => ({ messages, nextId }),
    restore(state) {
      const saved = state as { messages?: StoredMail[]; nextId?: number };
      messages = saved.messages ?? [];
      nextId = saved.nextId ?? messages.length + 1;
    },
    messages: () => [...messages],
    setFault(input) {
      const parsed = faultSchema.parse(input);
      fault = { ...parsed, until: parsed.durationMs ? Date.now() + parsed.durationMs : null };
    },
    clearFault: () => void (fault = null),
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of connectionsOf(server)) connection._socket?.destroy();
        server.close(() => resolve());
      }),
  };
}

function smtpError(mode: "tempfail" | "permfail"): Error {
  const error = new Error(
    mode === "tempfail" ? "Service temporairement indisponible, réessayez plus tard" : "Destinataire refusé",
  ) as Error & { responseCode: number };
  error.responseCode = mode === "tempfail" ? 451 : 550;
  return error;
}

type Connection = { session?: SMTPServerSession; id?: string; _socket?: { destroy(): void } };
function connectionsOf(server: SMTPServer): Connection[] {
  // smtp-server keeps its connections in a Set it does not type.
  return [...((server as unknown as { connections: Set<Connection> }).connections ?? [])];
}

/** Closes the client's connection without any SMTP answer (a relay that crashed mid-session). */
function dropConnection(server: SMTPServer, session: SMTPServerSession): void {
  for (const connection of connectionsOf(server)) {
    if (connection.id === session.id) connection._socket?.destroy();
  }
}
