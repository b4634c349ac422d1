import { sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { families, qfHistory, receivedCases, type FamilyMembers, type NewFamily } from "../../db/schema/index.ts";

/** Family files for export tests, written straight to the database. */

let caseCounter = 0;

export async function insertFamily(
  db: Database,
  collectivityId: string,
  input: Partial<NewFamily> & { reference?: string; previousQf?: number },
): Promise<string> {
  const members: FamilyMembers = input.members ?? { allocataires: [], enfants: [] };
  const { reference, previousQf, ...values } = input;
  const [row] = await db
    .insert(families)
    .values({
      collectivityId,
      familyName: "Martin",
      givenNames: "Claire",
      birthdate: "1985-03-15",
      qfValue: 700,
      qfAnnee: 2026,
      qfMois: 10,
      qfProvider: "CNAF",
      searchText: [values.familyName ?? "martin", values.givenNames ?? "claire"].join(" ").toLowerCase(),
      childrenCount: members.enfants.length,
      ...values,
      members,
    })
    .returning({ id: families.id });
  const familyId = row!.id;
  if (reference) {
    caseCounter++;
    await db.insert(receivedCases).values({
      collectivityId,
      familyId,
      hubeeCaseId: `case-${Date.now()}-${caseCounter}`,
      hubeeExternalId: `Formulaire-QF-${reference}`,
      reference,
      hubeeStatus: "SI_RECEIVED",
    });
  }
  if (previousQf !== undefined) {
    await db.insert(qfHistory).values([
      { familyId, value: previousQf, annee: 2025, mois: 10, provider: "CNAF", source: "transmission" },
      {
        familyId,
        value: values.qfValue ?? 700,
        annee: 2026,
        mois: 10,
        provider: "CNAF",
        source: "yearly_update",
      },
    ]);
  }
  return familyId;
}

/** `count` plain families in one statement (fast enough for tens of thousands on PGlite). */
export async function insertManyFamilies(db: Database, collectivityId: string, count: number): Promise<void> {
  await db.execute(sql`
    insert into families (collectivity_id, family_name, given_names, birthdate, qf_value, qf_annee, qf_mois,
      qf_provider, members, address, search_text, children_count, received_at, external_id, status)
    select ${collectivityId}, 'Famille ' || n, 'Prénom ' || n, '1980-01-01', (n * 37) % 2500, 2026, 9, 'CNAF',
      jsonb_build_object(
        'allocataires', jsonb_build_array(jsonb_build_object('nom_naissance', 'FAMILLE ' || n, 'nom_usage', null,
          'prenoms', 'Prénom ' || n, 'date_naissance', '1980-01-01', 'sexe', 'F')),
        'enfants', jsonb_build_array(jsonb_build_object('nom_naissance', 'FAMILLE ' || n, 'nom_usage', null,
          'prenoms', 'Enfant ' || n, 'date_naissance', '2015-06-30', 'sexe', 'M'))),
      jsonb_build_object('destinataire', 'M. FAMILLE', 'complement_information', null,
        'complement_information_geographique', null, 'numero_libelle_voie', n || ' RUE DES LILAS', 'lieu_dit', null,
        'code_postal_ville', '49000 ANGERS', 'pays', 'FRANCE'),
      'famille ' || n || ' prenom ' || n, 1, now() - (n || ' minutes')::interval, 'EXT-' || n,
      (array['received', 'in_progress', 'done'])[1 + n % 3]
    from generate_series(1, ${count}) as n`);
}
