import type { DemoAgent } from "../demo-data.ts";
import { escapeHtml, renderPage } from "../oidc/html-page.ts";
import type { LoginOutcome, LoginPageInput, LoginUi } from "../oidc/interaction-router.ts";
import { proConnectSubject } from "./agents.ts";

/**
 * ProConnect hands the agent over to their organisation's identity provider;
 * the simulator stands for both, so one click on an agent signs them in (no
 * password: see README.md).
 */
export function proConnectLoginUi(agents: DemoAgent[]): LoginUi {
  const byEmail = new Map(agents.map((a) => [a.email, a]));

  const render = (input: LoginPageInput): string => {
    const buttons = agents
      .map(
        (a) =>
          `<li><button type="submit" class="agent" name="email" value="${escapeHtml(a.email)}" data-testid="pc-agent-${escapeHtml(a.uid)}"><strong>${escapeHtml(`${a.given_name} ${a.usual_name}`)}</strong> – ${escapeHtml(a.email)}<br><small>${escapeHtml(a.role)} · ${escapeHtml(a.organization_label)} · SIRET ${escapeHtml(a.siret)}</small></button></li>`,
      )
      .join("\n");
    const error = input.error
      ? `<div class="error" role="alert" data-testid="login-error">${escapeHtml(input.error)}</div>`
      : "";
    return renderPage({
      title: "Connexion",
      service: "ProConnect",
      body: `<h1>Connexion avec ProConnect</h1>
<p>Vous vous connectez à <strong>${escapeHtml(input.clientName)}</strong>. Choisissez l'agent public de démonstration avec lequel vous connecter.</p>
${error}
<form method="post" action="${escapeHtml(input.loginAction)}" data-testid="login-form">
<fieldset>
<legend>Agents de démonstration</legend>
<ul class="choices agents">
${buttons}
</ul>
</fieldset>
</form>
<form method="post" action="${escapeHtml(input.cancelAction)}">
<button type="submit" class="secondary" data-testid="cancel">Annuler</button>
</form>`,
    });
  };

  const authenticate = (form: Record<string, string>): LoginOutcome => {
    const agent = form.email ? byEmail.get(form.email.trim().toLowerCase()) : undefined;
    if (!agent)
      return { error: "Aucun agent ne correspond à cette adresse électronique. Choisissez un agent de la liste." };
    return { accountId: proConnectSubject(agent), acr: "eidas1", amr: ["pwd"] };
  };

  return { serviceName: "ProConnect", render, authenticate };
}
