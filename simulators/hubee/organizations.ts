import { DEMO_HUBEE_OSL } from "../demo-data.ts";
import type { OrganizationIdentifier } from "./model.ts";

/** `SI-<siret>-<cog>`: how HubEE writes an organisation, also our map key. */
export function organizationKey(org: OrganizationIdentifier): string {
  return `${org.type}-${org.companyRegister}-${org.branchCode}`;
}

export function sameOrganization(a: OrganizationIdentifier, b: OrganizationIdentifier): boolean {
  return organizationKey(a) === organizationKey(b);
}

/** Copies only the three identifying fields, so callers' extra fields never leak into responses. */
export function organization(type: string, companyRegister: string, branchCode: string): OrganizationIdentifier {
  return { type, companyRegister, branchCode };
}

export function copyOrganization(org: OrganizationIdentifier): OrganizationIdentifier {
  return organization(org.type, org.companyRegister, org.branchCode);
}

/** Portail QF as a sender (OSL). */
export const PORTAIL_QF_OSL = organization("OSL", DEMO_HUBEE_OSL.siret, DEMO_HUBEE_OSL.codeCog);

/**
 * The sender of folders created through the admin injection route: another
 * OSL (the national form), so folders the app receives are not its own.
 */
export const INJECTED_SENDER_OSL = organization("OSL", "13002526500021", "75107");
