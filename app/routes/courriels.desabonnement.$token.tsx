import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { readUnsubscribeToken } from "~/mail/unsubscribe-token.server";
import { unsubscribeFromMail } from "~/portal/preferences/mail-preferences.server";

/**
 * The List-Unsubscribe address of the optional mails. POST (RFC 8058 one-click, sent by the
 * reader's mail provider) turns that mail off at once; GET (a link scanner, or a reader who
 * opens the address) changes nothing and lands on the preferences page.
 */
export async function loader(_args: LoaderFunctionArgs) {
  return redirect("/portail/preferences");
}

export async function action({ params, context }: ActionFunctionArgs) {
  const token = readUnsubscribeToken(params.token ?? "", getConfig().sessionSecrets);
  if (!token) {
    return new Response("Lien de désabonnement invalide.", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  await unsubscribeFromMail(await getDatabase(), { ...token, requestId: context.requestId });
  return data({ unsubscribed: token.kind }, { headers: { "Cache-Control": "no-store" } });
}
