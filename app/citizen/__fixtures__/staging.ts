import fs from "node:fs";
import { parse } from "yaml";

/**
 * Official API Particulier staging fixtures (copied from /work/shared/specs/api-particulier-staging/,
 * only reformatted by prettier). Each file maps query params to the status and body staging returns.
 */
export const STAGING_FIXTURES = {
  /** FranceConnect `test` user, Angela Claire Louise DUBOIS: CNAF 2550, no child. */
  dubois: "france_connect_200_1_parent_0_enfant_cnaf.yml",
  /** MSA 2550, one allocataire with a usage name, 3 children, full address. */
  placardMsa: "france_connect_200_msa_1_parent_1_mineur_2_majeurs.yml",
  /** CNAF, a couple and 3 children, one born "2020-00-00". */
  presumedChild: "france_connect_200_cnaf_2_parents_3_mineurs_dont_1_jour_et_mois_inconnus.yml",
  /** Born abroad (99350), CNAF 4270, no child. */
  abroad: "200-identite-cas-etranger.yaml",
  /** MSA 150 in May 2023; the body lists quotient_familial first. */
  msaMay2023: "200-couple-2_enfants-qf_msa_150_mai23.yaml",
} as const;

export interface StagingFixture {
  params: Record<string, unknown>;
  status: number;
  /** The parsed JSON body. */
  body: unknown;
}

export function loadStagingFixture(name: keyof typeof STAGING_FIXTURES): StagingFixture {
  const url = new URL(`./api-particulier-staging/${STAGING_FIXTURES[name]}`, import.meta.url);
  const doc = parse(fs.readFileSync(url, "utf8")) as {
    params: Record<string, unknown>;
    status: number;
    payload: string;
  };
  return { params: doc.params, status: doc.status, body: JSON.parse(doc.payload) };
}
