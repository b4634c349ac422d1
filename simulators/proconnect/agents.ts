import { createHash } from "node:crypto";
import type { DemoAgent } from "../demo-data.ts";

/**
 * ProConnect's `sub` is given per identity provider: the same agent signing in
 * through two providers gets two subs. It is derived from (idp_id, uid) so it
 * stays the same across simulator restarts, in UUID form.
 */
export function proConnectSubject(agent: Pick<DemoAgent, "idp_id" | "uid">): string {
  const hex = createHash("sha256").update(`${agent.idp_id}:${agent.uid}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Every claim ProConnect can release for this agent (sub excluded). */
export function agentClaims(agent: DemoAgent): Record<string, unknown> {
  return {
    email: agent.email,
    given_name: agent.given_name,
    usual_name: agent.usual_name,
    uid: agent.uid,
    siret: agent.siret,
    siren: agent.siret.slice(0, 9),
    idp_id: agent.idp_id,
    organization_label: agent.organization_label,
  };
}
