import { createHash } from "node:crypto";
import express, { type Router } from "express";
import type Provider from "oidc-provider";
import type { FranceConnectTokenIntrospection } from "../shared/types.ts";
import { pivotIdentity, type FranceConnectTestUser } from "./test-users.ts";

interface IntrospectionDeps {
  provider(): Provider;
  issuer: string;
  users: Map<string, FranceConnectTestUser>;
  pairwiseSubject(accountId: string, clientId: string): string;
}

interface ValidToken {
  introspection: FranceConnectTokenIntrospection;
  sub: string;
  iat: number;
  jti: string;
}

async function findValidToken(deps: IntrospectionDeps, token: string): Promise<ValidToken | null> {
  if (!token) return null;
  const accessToken = await deps.provider().AccessToken.find(token);
  const now = Math.floor(Date.now() / 1000);
  if (!accessToken?.accountId || !accessToken.exp || accessToken.exp <= now) return null;
  const user = deps.users.get(accessToken.accountId);
  if (!user) return null;
  return {
    introspection: {
      active: true,
      exp: accessToken.exp,
      scope: (accessToken.scope ?? "").split(" ").filter(Boolean),
      client_id: accessToken.clientId ?? "",
      identity: { ...pivotIdentity(user) },
      login: user.login,
    },
    sub: deps.pairwiseSubject(user.login, accessToken.clientId ?? ""),
    iat: accessToken.iat ?? now,
    // FranceConnect's jti identifies the token without being the token.
    jti: createHash("sha256").update(token).digest("base64url"),
  };
}

/** What FranceConnect knows of one of its access tokens; null when unknown or expired. */
export async function introspect(deps: IntrospectionDeps, token: string) {
  return (await findValidToken(deps, token))?.introspection ?? null;
}

/**
 * POST <issuer>/checktoken (token=…): FranceConnect's endpoint for data
 * providers, answered in the same JSON shape as the real one's payload
 * (`token_introspection`), unsigned. Data providers are not authenticated here.
 */
export function checktokenRoute(deps: IntrospectionDeps): Router {
  const router = express.Router();
  router.post("/checktoken", express.urlencoded({ extended: false }), express.json(), (req, res, next) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = typeof body.token === "string" ? body.token : "";
    if (!token) {
      res.status(400).json({ error: "invalid_request", error_description: "Le paramètre token est obligatoire." });
      return;
    }
    findValidToken(deps, token)
      .then((found) => {
        const envelope = {
          aud: typeof body.client_id === "string" ? body.client_id : "api-particulier",
          iat: Math.floor(Date.now() / 1000),
          iss: deps.issuer,
        };
        if (!found) {
          res.json({ ...envelope, token_introspection: { active: false } });
          return;
        }
        const { introspection } = found;
        res.json({
          ...envelope,
          token_introspection: {
            active: true,
            aud: introspection.client_id,
            sub: found.sub,
            iat: found.iat,
            exp: introspection.exp,
            acr: "eidas1",
            jti: found.jti,
            scope: introspection.scope.join(" "),
            ...introspection.identity,
          },
        });
      })
      .catch(next);
  });
  return router;
}
