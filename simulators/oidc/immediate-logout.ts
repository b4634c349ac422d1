import type Provider from "oidc-provider";
import type { CookiesSetOptions, KoaContextWithOIDC } from "oidc-provider";

interface LogoutState {
  secret?: string;
  clientId?: string;
  state?: string;
  postLogoutRedirectUri?: string;
}

async function revokeGrant(provider: Provider, grantId: string) {
  await provider.AccessToken.revokeByGrantId(grantId);
  await provider.AuthorizationCode.revokeByGrantId(grantId);
  const grant = await provider.Grant.find(grantId);
  await grant?.destroy();
}

/**
 * oidc-provider asks the user to confirm an RP-initiated logout on a page of its
 * own. FranceConnect and ProConnect do not: `/session/end` ends the whole
 * provider session and sends the browser straight back to
 * `post_logout_redirect_uri?state=…`. This middleware completes the logout once
 * oidc-provider has validated the request (id_token_hint, registered URI).
 */
export function immediateLogout(provider: Provider, sessionCookie: CookiesSetOptions) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => {
    await next();
    if (ctx.oidc?.route !== "end_session" || ctx.status !== 200) return;
    const session = ctx.oidc.session;
    const state = session?.state as LogoutState | undefined;
    if (!session || !state?.secret) return;
    for (const { grantId } of Object.values(session.authorizations ?? {})) {
      if (grantId) await revokeGrant(provider, grantId);
    }
    await session.destroy();
    ctx.cookies.set(provider.cookieName("session"), null, sessionCookie);
    let target: URL;
    if (state.postLogoutRedirectUri) {
      target = new URL(state.postLogoutRedirectUri);
      if (state.state != null) target.searchParams.set("state", state.state);
    } else {
      target = new URL(ctx.oidc.urlFor("end_session_success"));
    }
    ctx.status = 303;
    ctx.redirect(target.href);
  };
}
