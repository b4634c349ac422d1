import nodemailer from "nodemailer";
import type { Config } from "~/config.server";

/**
 * The SMTP relay (nodemailer): one message per connection, short timeouts so a stuck relay
 * costs a retry, not a stuck worker. Production requires STARTTLS on smtp:// (smtps:// is TLS
 * from the start) unless SMTP_TLS=off says the relay is on a private network.
 */

export interface MailEnvelope {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
}

export interface MailTransport {
  send(message: MailEnvelope): Promise<void>;
  close(): void;
}

export interface MailTransportOptions {
  url: string;
  requireTls: boolean;
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  timeoutMs?: number;
}

export function mailTransportOptionsFromConfig(config: Config): MailTransportOptions {
  return {
    url: config.SMTP_URL,
    requireTls: !config.demoMode && config.SMTP_TLS === "on" && config.SMTP_URL.startsWith("smtp:"),
    dkim:
      config.DKIM_DOMAIN && config.DKIM_SELECTOR && config.DKIM_PRIVATE_KEY
        ? { domainName: config.DKIM_DOMAIN, keySelector: config.DKIM_SELECTOR, privateKey: config.DKIM_PRIVATE_KEY }
        : undefined,
  };
}

export function createMailTransport(options: MailTransportOptions): MailTransport {
  const url = new URL(options.url);
  const timeout = options.timeoutMs ?? 15_000;
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === "smtps:" ? 465 : 587,
    secure: url.protocol === "smtps:",
    requireTLS: options.requireTls,
    // Without requireTLS (demo, SMTP_TLS=off) a relay offering STARTTLS is still used with it.
    ignoreTLS: false,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 2,
    dkim: options.dkim,
  });
  return {
    async send(message) {
      await transporter.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
        messageId: message.messageId,
        headers: message.headers,
      });
    },
    close: () => transporter.close(),
  };
}

/** What a failed send means for the outbox: 5xx is final, everything else (4xx, network) is retried. */
export function classifySmtpError(error: unknown): { permanent: boolean; reason: string } {
  const err = error as { responseCode?: number; code?: string; name?: string } | null;
  const responseCode = typeof err?.responseCode === "number" ? err.responseCode : null;
  if (responseCode !== null) {
    return { permanent: responseCode >= 500 && responseCode < 600, reason: `SMTP ${responseCode}` };
  }
  // Only the error's code or class: its message may quote an address.
  return { permanent: false, reason: err?.code ?? err?.name ?? "erreur inconnue" };
}
