import { randomUUID } from "node:crypto";
import type { FranceConnectTokenIntrospection } from "../../shared/types.ts";
import { ALL_QF_SCOPES } from "../scopes.ts";

export const FULL_FC_SCOPES = ["openid", "identite_pivot", ...ALL_QF_SCOPES];

/** Pivot identity of the FranceConnect integration user `test` (CSV of the integration platform). */
export const FC_TEST_USER_IDENTITY = {
  given_name: "Angela Claire Louise",
  given_name_array: ["Angela", "Claire", "Louise"],
  family_name: "DUBOIS",
  birthdate: "1962-08-24",
  gender: "female",
  birthplace: "75107",
  birthcountry: "99100",
};

export interface IssueOptions {
  login: string;
  identity: Record<string, unknown>;
  scope?: string[];
  /** Negative = already expired. */
  expiresInSeconds?: number;
  active?: boolean;
}

/**
 * Stands in for the FranceConnect simulator in these tests (it is written elsewhere):
 * issues opaque access tokens and introspects them like its checktoken would.
 */
export class FakeFranceConnect {
  private tokens = new Map<string, FranceConnectTokenIntrospection>();

  issue(options: IssueOptions): string {
    const token = `fc-${randomUUID()}`;
    this.tokens.set(token, {
      active: options.active ?? true,
      exp: Math.floor(Date.now() / 1000) + (options.expiresInSeconds ?? 60),
      scope: options.scope ?? FULL_FC_SCOPES,
      client_id: "portail-qf-demo",
      identity: options.identity,
      login: options.login,
    });
    return token;
  }

  readonly introspect = async (token: string): Promise<FranceConnectTokenIntrospection | null> =>
    this.tokens.get(token) ?? null;
}
