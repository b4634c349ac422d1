import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type Provider from "oidc-provider";
import type { InteractionResults } from "oidc-provider";
import { INTERACTION_PATH } from "./create-provider.ts";
import { escapeHtml, renderPage } from "./html-page.ts";

export interface LoginPageInput {
  /** Where the login form posts. */
  loginAction: string;
  /** Where the "Annuler" form posts. */
  cancelAction: string;
  /** Name of the service the user is signing in to. */
  clientName: string;
  /** French error message to show above the form. */
  error?: string;
  /** Values posted previously, to fill the form again after an error. */
  values?: Record<string, string>;
}

export type LoginOutcome = { accountId: string; acr: string; amr: string[] } | { error: string };

/** The parts of the interaction UI that differ between providers. */
export interface LoginUi {
  serviceName: string;
  /** Inner HTML of the login page. */
  render(input: LoginPageInput): string;
  authenticate(form: Record<string, string>): LoginOutcome;
}

type AsyncHandler = (req: Request, res: Response) => Promise<void>;

/** Grants every requested scope: the simulated services ask no consent of their own. */
async function grantAll(
  provider: Provider,
  details: Awaited<ReturnType<Provider["interactionDetails"]>>,
  accountId: string,
) {
  const clientId = String(details.params.client_id);
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  // A grant left by another account of the same browser session is never reused.
  const grant = existing?.accountId === accountId ? existing : new provider.Grant({ accountId, clientId });
  if (typeof details.params.scope === "string") grant.addOIDCScope(details.params.scope);
  const missingClaims = details.prompt.details.missingOIDCClaims;
  if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims as string[]);
  return grant.save();
}

/**
 * The provider's own interaction pages (oidc-provider's devInteractions stay
 * off): login, cancel, and a silent consent. Mounted under the issuer path,
 * before the provider itself.
 */
export function interactionRouter(getProvider: () => Provider, issuer: string, ui: LoginUi): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false });

  const errorPage = (res: Response, status: number, message: string) => {
    res
      .status(status)
      .type("html")
      .send(
        renderPage({
          title: "Erreur",
          service: ui.serviceName,
          body: `<h1>Une erreur est survenue</h1><p data-testid="error-message">${escapeHtml(message)}</p>`,
        }),
      );
  };

  // An unknown or expired interaction is the common case (back button, stale tab).
  const safe =
    (handler: AsyncHandler) =>
    (req: Request, res: Response, next: NextFunction): void => {
      handler(req, res).catch((err: unknown) => {
        const name = (err as { name?: string }).name;
        if (name === "SessionNotFound" || name === "InvalidRequest") {
          return errorPage(
            res,
            400,
            "Cette demande de connexion a expiré ou est introuvable. Recommencez depuis le service en ligne.",
          );
        }
        next(err);
      });
    };

  const detailsFor = async (req: Request, res: Response) => {
    const provider = getProvider();
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== req.params.uid) {
      throw Object.assign(new Error("interaction mismatch"), { name: "SessionNotFound" });
    }
    return { provider, details };
  };

  const pageInput = (uid: string, clientName: string): LoginPageInput => ({
    loginAction: `${issuer}${INTERACTION_PATH}/${uid}/login`,
    cancelAction: `${issuer}${INTERACTION_PATH}/${uid}/abort`,
    clientName,
  });

  const clientNameOf = async (provider: Provider, clientId: unknown) => {
    const client = await provider.Client.find(String(clientId));
    return client?.clientName ?? String(clientId);
  };

  const finish = async (req: Request, res: Response, result: InteractionResults) => {
    await getProvider().interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  };

  router.get(
    `${INTERACTION_PATH}/:uid`,
    safe(async (req, res) => {
      const { provider, details } = await detailsFor(req, res);
      if (details.prompt.name === "consent" && details.session?.accountId) {
        const grantId = await grantAll(provider, details, details.session.accountId);
        return finish(req, res, { consent: { grantId } });
      }
      const clientName = await clientNameOf(provider, details.params.client_id);
      res.type("html").send(ui.render(pageInput(String(req.params.uid), clientName)));
    }),
  );

  router.post(
    `${INTERACTION_PATH}/:uid/login`,
    form,
    safe(async (req, res) => {
      const { provider, details } = await detailsFor(req, res);
      const body = Object.fromEntries(
        Object.entries((req.body ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
      );
      const outcome = ui.authenticate(body);
      if ("error" in outcome) {
        const clientName = await clientNameOf(provider, details.params.client_id);
        res
          .status(401)
          .type("html")
          .send(ui.render({ ...pageInput(String(req.params.uid), clientName), error: outcome.error, values: body }));
        return;
      }
      const grantId = await grantAll(provider, details, outcome.accountId);
      await finish(req, res, {
        login: { accountId: outcome.accountId, acr: outcome.acr, amr: outcome.amr, remember: true },
        consent: { grantId },
      });
    }),
  );

  router.post(
    `${INTERACTION_PATH}/:uid/abort`,
    form,
    safe(async (req, res) => {
      await detailsFor(req, res);
      await finish(req, res, {
        error: "access_denied",
        error_description: "L'utilisateur a annulé la connexion.",
      });
    }),
  );

  return router;
}
