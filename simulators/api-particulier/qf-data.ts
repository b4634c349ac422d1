/** The 200 body of both QF routes (api_particulier.yaml), before scope filtering. */
export interface QfPerson {
  nom_naissance: string;
  nom_usage: string | null;
  prenoms: string;
  date_naissance: string;
  sexe: "M" | "F";
}

export interface QfAdresse {
  destinataire: string;
  complement_information: string | null;
  complement_information_geographique: string | null;
  numero_libelle_voie: string | null;
  lieu_dit: string | null;
  code_postal_ville: string;
  pays: string;
}

export interface QfQuotientFamilial {
  fournisseur: "CNAF" | "MSA";
  valeur: number;
  annee: number;
  mois: number;
  annee_calcul: number;
  mois_calcul: number;
}

export interface QfData {
  allocataires?: QfPerson[];
  enfants?: QfPerson[];
  adresse?: QfAdresse;
  quotient_familial?: QfQuotientFamilial;
}

export interface QfSuccessBody {
  data: QfData;
  links: Record<string, unknown>;
  meta: Record<string, unknown>;
}
