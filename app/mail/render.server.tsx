import { render } from "@react-email/render";
import type { ReactElement } from "react";
import type { OptionalMailKind } from "../../db/schema/index.ts";
import { getConfig } from "~/config.server";
import type { RenderedMail } from "./outbox.server";
import { unsubscribeToken } from "./unsubscribe-token.server";

/**
 * HTML and plain text from the same React tree (react-email, ADR 024), and the one-click
 * unsubscribe headers (RFC 8058) of an optional mail.
 */

export function mailLinks() {
  const appUrl = getConfig().APP_URL.replace(/\/$/, "");
  return { appUrl, preferencesUrl: `${appUrl}/portail/preferences` };
}

export async function renderMail(
  subject: string,
  element: ReactElement,
  optional?: { agentId: string; kind: OptionalMailKind },
): Promise<RenderedMail> {
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  if (!optional) return { subject, html, text };
  const config = getConfig();
  const url = `${mailLinks().appUrl}/courriels/desabonnement/${unsubscribeToken(optional.agentId, optional.kind, config.SESSION_SECRET)}`;
  return {
    subject,
    html,
    text,
    headers: { "List-Unsubscribe": `<${url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  };
}
