import express, { type Router } from "express";
import { escapeHtml, renderPage } from "../oidc/html-page.ts";
import type { StoredMail } from "./index.ts";

/** The mailbox of the SMTP simulator: every message received, newest first. */

const SERVICE = "Boîte aux lettres (simulateur SMTP)";

export function mailsJson(messages: StoredMail[]) {
  return { messages: [...messages].reverse() };
}

export function createMailboxRouter(store: { list(): StoredMail[]; byId(id: string): StoredMail | undefined }): Router {
  const router = express.Router();

  router.get("/", (_req, res) => {
    const messages = [...store.list()].reverse();
    const rows = messages
      .map(
        (m) => `<tr><td>${escapeHtml(new Date(m.receivedAt).toLocaleString("fr-FR", { timeZone: "Europe/Paris" }))}</td>
<td>${escapeHtml(m.envelopeTo.join(", "))}</td>
<td><a href="/mails/${escapeHtml(m.id)}">${escapeHtml(m.subject || "(sans objet)")}</a></td></tr>`,
      )
      .join("\n");
    res.type("html").send(
      renderPage({
        title: "Courriels reçus",
        service: SERVICE,
        body: `<h1>Courriels reçus</h1>
<p class="hint">${messages.length} courriel${messages.length > 1 ? "s" : ""} reçu${messages.length > 1 ? "s" : ""}. Aussi en JSON : <a href="/mails.json">/mails.json</a>.</p>
${
  messages.length === 0
    ? "<p>Aucun courriel pour l’instant.</p>"
    : `<div style="overflow-x:auto"><table style="width:100%;border-collapse:collapse">
<caption style="text-align:left;font-weight:bold;margin-bottom:.5rem">Courriels, du plus récent au plus ancien</caption>
<thead><tr><th scope="col" style="text-align:left">Reçu le</th><th scope="col" style="text-align:left">Destinataire</th><th scope="col" style="text-align:left">Objet</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
}`,
      }),
    );
  });

  router.get("/:id", (req, res) => {
    const mail = store.byId(req.params.id);
    if (!mail) return void res.status(404).type("html").send(notFound());
    const headers = mail.headers.map((h) => escapeHtml(h.line)).join("\n");
    res.type("html").send(
      renderPage({
        title: mail.subject || "Courriel",
        service: SERVICE,
        body: `<p><a href="/mails">← Tous les courriels</a></p>
<h1 style="overflow-wrap:anywhere">${escapeHtml(mail.subject || "(sans objet)")}</h1>
<dl>
<dt><strong>De</strong></dt><dd>${escapeHtml(mail.from)}</dd>
<dt><strong>À</strong></dt><dd>${escapeHtml(mail.to)}</dd>
<dt><strong>Message-ID</strong></dt><dd style="overflow-wrap:anywhere">${escapeHtml(mail.messageId ?? "")}</dd>
</dl>
<h2>Version HTML</h2>
${
  mail.html
    ? `<p><a href="/mails/${escapeHtml(mail.id)}/html">Ouvrir la version HTML seule</a></p>
<iframe title="Version HTML du courriel" sandbox="allow-popups allow-top-navigation-by-user-activation" srcdoc="${escapeHtml(mail.html)}" style="width:100%;height:32rem;border:1px solid #ddd"></iframe>`
    : "<p>Ce courriel n’a pas de version HTML.</p>"
}
<h2>Version texte</h2>
<pre style="white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:1rem">${escapeHtml(mail.text)}</pre>
<h2>En-têtes</h2>
<pre style="white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85rem;background:#f6f6f6;padding:1rem">${headers}</pre>`,
      }),
    );
  });

  router.get("/:id/html", (req, res) => {
    const mail = store.byId(req.params.id);
    if (!mail?.html) return void res.status(404).type("html").send(notFound());
    // The message as its recipient's client shows it; no script of ours runs beside it.
    res.setHeader("Content-Security-Policy", "default-src 'none'; img-src data: https:; style-src 'unsafe-inline'");
    res.type("html").send(mail.html);
  });

  return router;
}

function notFound(): string {
  return renderPage({
    title: "Courriel introuvable",
    service: SERVICE,
    body: `<h1>Courriel introuvable</h1><p><a href="/mails">Tous les courriels</a></p>`,
  });
}
