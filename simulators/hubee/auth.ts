import type { RequestHandler, Response } from "express";
import type { HubeeClient } from "./clients.ts";
import { HubeeError } from "./errors.ts";
import type { OrganizationIdentifier, Scope } from "./model.ts";
import type { TokenService } from "./tokens.ts";

/** Who is calling: resolved from the bearer token, as the gateway does before the API sees the request. */
export interface Principal {
  client: HubeeClient;
  scope: Scope;
  organization: OrganizationIdentifier;
}

const PRINCIPAL_KEY = "hubeePrincipal";

export function principalOf(res: Response): Principal {
  const principal = res.locals[PRINCIPAL_KEY] as Principal | undefined;
  if (!principal) throw new Error("principalOf() called on a route without requireToken()");
  return principal;
}

// The WSO2 gateway's own error codes and wording.
const missingCredentials = () =>
  new HubeeError(
    401,
    "Missing Credentials",
    900902,
    "Invalid Credentials. Make sure your API invocation call has a header: 'Authorization : Bearer ACCESS_TOKEN'",
  );
const invalidCredentials = () =>
  new HubeeError(
    401,
    "Invalid Credentials",
    900901,
    "Invalid Credentials. Make sure you have provided the correct security credentials",
  );
const scopeNotAllowed = () =>
  new HubeeError(
    403,
    "The access token does not allow you to access the requested resource",
    900910,
    "User is NOT authorized to access the Resource. Scope validation failed.",
  );

/** Token check (401) then scope check (403) against the operation's `security` scopes. */
export function requireToken(tokens: TokenService, scopes: string[]): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get("authorization") ?? "");
    if (!match) throw missingCredentials();
    const verified = tokens.verify(match[1]);
    if (!verified) throw invalidCredentials();
    if (!scopes.includes(verified.token.scope)) throw scopeNotAllowed();
    const principal: Principal = {
      client: verified.client,
      scope: verified.token.scope,
      organization: verified.client.organization,
    };
    res.locals[PRINCIPAL_KEY] = principal;
    next();
  };
}
