/**
 * Which staging fixture answers the FranceConnect route for each FranceConnect
 * integration test user (franceconnect-integration-test-users.csv, matched on the
 * introspection's `login`).
 *
 * Deliberate choices:
 * - `test` (Angela Claire Louise DUBOIS, 1962-08-24, 75107) gets the civility fixture
 *   `200-usager-base-france_connect` ("identité connue de la base de test de France
 *   Connect"): QF 4270, the value the issue asks for. The FC-route fixture for the same
 *   identity (`france_connect_200_1_parent_0_enfant_cnaf`, QF 2550) stays reachable with
 *   any other login carrying that identity.
 * - The five other users whose pivot identity has a FranceConnect-route fixture get it.
 * - Every other user has no CAF/MSA file: 404 `37003`, as staging answers unknown
 *   identities. `plusieurs_prénoms_2` (Valentin Emmanuel HOCHON, an ordinary adult with a
 *   well-formed identity) is the designated "not found" user for browser tests.
 */
export interface FcUserFixture {
  /** Fixture id (see FixtureStore), or null for "no allocataire file" (404). */
  fixture: string | null;
  note: string;
}

export const FC_NOT_FOUND_LOGIN = "plusieurs_prénoms_2";
export const FC_QF_4270_LOGIN = "test";

const notFound = (note: string): FcUserFixture => ({ fixture: null, note });

export const FC_USER_FIXTURES: Record<string, FcUserFixture> = {
  test: {
    fixture: "with-civility/200-usager-base-france_connect",
    note: "DUBOIS Angela Claire Louise: CNAF, QF 4270 (juin 2023), 1 allocataire, 0 enfant",
  },
  avec_nom_dusage: {
    fixture: "with-france-connect/france_connect_200_cnaf_1_parent_3_mineurs",
    note: "MERCIER Pierre: CNAF, QF 2550, 1 parent, 3 mineurs",
  },
  nom_composé: {
    fixture: "with-france-connect/france_connect_200_cnaf_2_parents_2_mineurs_1_majeur",
    note: "TROIS-DUPRE Melissandre Juliette: CNAF, QF 2550, 2 parents, 3 enfants",
  },
  prénom_composé: {
    fixture: "with-france-connect/france_connect_200_cnaf_2_parents_0_enfant",
    note: "HUCHE Anne-Laure: CNAF, QF 2550, 2 parents, 0 enfant",
  },
  sans_nom_dusage: {
    fixture: "with-france-connect/france_connect_200_cnaf_2_parents_3_mineurs",
    note: "DUPONT Paul Louis: CNAF, QF 2550, 2 parents, 3 mineurs",
  },
  nom_prénom_long: {
    fixture: "with-france-connect/france_connect_200_cnaf_2_parents_3_mineurs_1_prenom_compose_sans_tiret",
    note: "DELALALALANDE Emmanuel Alexandre Nicolas: CNAF, QF 2550, 2 parents, 3 mineurs",
  },
  plusieurs_prénoms_2: notFound("HOCHON Valentin Emmanuel: the designated 'not found' user (404 37003)"),
  "nom_50+_caractères": notFound("no staging file"),
  carac_speciaux: notFound("no staging file"),
  plusieurs_prénoms_3: notFound("no staging file"),
  prénom_composé_avec_espace: notFound("no staging file"),
  caractères_spéciaux: notFound("no staging file"),
  moins_16_ans: notFound("a minor is never an allocataire"),
  moins_18_ans: notFound("a minor is never an allocataire"),
  moins_25_ans: notFound("no staging file"),
  genre_indéfini: notFound("no staging file"),
  mois_00: notFound("no staging file"),
  sans_prenom: notFound("no staging file"),
  sans_nom_naissance: notFound("no staging file"),
  sans_mail: notFound("no staging file"),
  sans_telephone: notFound("no staging file"),
  sans_mail_sans_tel: notFound("no staging file"),
  sans_genre: notFound("no staging file"),
  sans_birthplace: notFound("no staging file"),
  test_CORSE_2A: notFound("no staging file"),
  test_CORSE_2B: notFound("no staging file"),
  naissance_Algérie: notFound("no staging file"),
  naissance_Maroc: notFound("no staging file"),
  naissance_Portugal: notFound("no staging file"),
  naissance_Belgique: notFound("no staging file"),
  naissance_Espagne: notFound("no staging file"),
  naissance_Italie: notFound("no staging file"),
  naissance_polynesie_française: notFound("no staging file"),
  naissance_wallis_futuna: notFound("no staging file"),
  naissance_etranger_birthplace_cog: notFound("no staging file"),
  naissance_etranger_birthplace_texte: notFound("no staging file"),
  étranger_présumé_né_jour: notFound("no staging file"),
  étranger_présumé_né_jour_et_mois: notFound("no staging file"),
};

/** Logins are compared in NFC so "prénom" typed or decomposed finds the same entry. */
export function fixtureForLogin(login: string): FcUserFixture | undefined {
  const wanted = login.normalize("NFC");
  return Object.entries(FC_USER_FIXTURES).find(([key]) => key.normalize("NFC") === wanted)?.[1];
}
