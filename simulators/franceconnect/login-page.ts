import { escapeHtml, renderPage } from "../oidc/html-page.ts";
import type { LoginOutcome, LoginPageInput, LoginUi } from "../oidc/interaction-router.ts";
import type { FranceConnectTestUser } from "./test-users.ts";

export const FRANCECONNECT_PASSWORD_HINT = "123";

/** 1962-08-24 → 24/08/1962; presumed parts ("00") are kept. */
function frenchDate(isoLike: string): string {
  const [y, m, d] = isoLike.split("-");
  return y && m && d ? `${d}/${m}/${y}` : isoLike;
}

function describe(user: FranceConnectTestUser): string {
  const name = [user.given_name, user.family_name].filter(Boolean).join(" ") || "(sans nom)";
  const born = user.gender === "female" ? "née" : "né";
  const place = user.birthplace ? ` à ${user.birthplace}` : "";
  return `<strong>${escapeHtml(name)}</strong> <small>${born} le ${escapeHtml(frenchDate(user.birthdate))}${escapeHtml(place)} (pays ${escapeHtml(user.birthcountry)}) – identifiant « ${escapeHtml(user.login)} »</small>`;
}

/**
 * The demo identity provider's page: pick one of the integration test
 * identities, type the password (123, as in FranceConnect's integration
 * environment), or cancel back to the service.
 */
export function franceConnectLoginUi(users: FranceConnectTestUser[]): LoginUi {
  const byLogin = new Map(users.map((u) => [u.login, u]));

  const render = (input: LoginPageInput): string => {
    const selected = input.values?.login;
    const choices = users
      .map((u, i) => {
        const id = `fc-user-${i}`;
        const checked = u.login === selected ? " checked" : "";
        return `<label class="choice" for="${id}"><input type="radio" id="${id}" name="login" value="${escapeHtml(u.login)}" data-testid="fc-user-${escapeHtml(u.login)}" required${checked}> ${describe(u)}</label>`;
      })
      .join("\n");
    const error = input.error
      ? `<div class="error" role="alert" data-testid="login-error">${escapeHtml(input.error)}</div>`
      : "";
    return renderPage({
      title: "Connexion",
      service: "FranceConnect",
      body: `<h1>Connexion avec FranceConnect</h1>
<p>Vous vous connectez à <strong>${escapeHtml(input.clientName)}</strong> avec le fournisseur d'identité de démonstration.</p>
${error}
<form method="post" action="${escapeHtml(input.loginAction)}" data-testid="login-form">
<fieldset>
<legend>Choisissez une identité de test</legend>
<div class="choices">
${choices}
</div>
</fieldset>
<label class="field" for="password">Mot de passe</label>
<input type="password" id="password" name="password" autocomplete="current-password" aria-describedby="password-hint" required>
<p class="hint" id="password-hint">Le mot de passe de toutes les identités de test est « ${FRANCECONNECT_PASSWORD_HINT} ».</p>
<button type="submit" class="primary" data-testid="login-submit">Se connecter</button>
</form>
<form method="post" action="${escapeHtml(input.cancelAction)}">
<button type="submit" class="secondary" data-testid="cancel">Annuler</button>
</form>`,
    });
  };

  const authenticate = (form: Record<string, string>): LoginOutcome => {
    const user = form.login ? byLogin.get(form.login) : undefined;
    if (!form.login) return { error: "Veuillez choisir une identité de test." };
    if (!user || form.password !== user.password) {
      return { error: "Identifiant ou mot de passe incorrect. Veuillez réessayer." };
    }
    return { accountId: user.login, acr: "eidas1", amr: ["pwd"] };
  };

  return { serviceName: "FranceConnect", render, authenticate };
}
