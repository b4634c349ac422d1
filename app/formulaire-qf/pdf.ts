import PDFDocument from "pdfkit";
import type { PivotIdentity } from "~/domain/pivot-identity";
import { formatBirthdateFr } from "~/domain/format";
import type { QuotientFamilialData, QuotientFamilialPerson } from "~/domain/quotient-familial";
import { bornOnFr, dateTimeFr, monthYearFr, pdfSafe } from "./pdf-text";
import type { ShipmentData } from "./types";

/**
 * The readable attestation sent along with the JSON and XML. The reference renders the plain-text
 * summary of ShipmentData (identity, then QF, then allocataires and children); we keep that order
 * and its labels, with headings, the commune, the reference and the address added, as a tagged
 * PDF (headings, paragraphs, lists) that screen readers can follow.
 */

export const PDF_TITLE = "Attestation de transmission du quotient familial";

const FOURNISSEURS: Record<string, string> = {
  CNAF: "CAF (Caisse d'allocations familiales)",
  MSA: "MSA (Mutualité sociale agricole)",
};

/**
 * `quotient_familial_<NOM>_<PRENOMS>.pdf`, as the reference names it: names as FranceConnect gives
 * them (case and accents kept), spaces turned into underscores. Characters that cannot be in a file
 * name on common systems are replaced too, as the commune's agents save the file.
 */
export function pdfFileName(identity: PivotIdentity): string {
  const name = ["quotient_familial", identity.familyName, ...identity.givenNames].join("_");
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being removed
  return `${name.replace(/\s+/g, "_").replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, "_")}.pdf`;
}

type Doc = InstanceType<typeof PDFDocument>;
type Struct = ReturnType<Doc["struct"]>;

export async function buildFormulaireQfPdf(data: ShipmentData): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: 56, bottom: 56, left: 62, right: 62 },
    pdfVersion: "1.7",
    tagged: true,
    lang: "fr-FR",
    displayTitle: true,
    info: {
      Title: PDF_TITLE,
      Author: "Portail QF",
      Subject: pdfSafe(`Quotient familial transmis à ${data.collectivity.name}`),
      Creator: "Portail QF",
      CreationDate: validDate(data.createdAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const root = doc.struct("Document");
  doc.addStructure(root);
  const write = new Writer(doc, root);

  write.title(PDF_TITLE);
  write.paragraph(`Commune destinataire : ${data.collectivity.name} (SIRET ${data.collectivity.siret})`);
  write.paragraph(`Référence de la transmission : ${data.reference}`);
  write.paragraph(`Date de la transmission : ${dateTimeFr(data.createdAt)}`);
  write.paragraph(`Identifiant éditeur (optionnel) : ${data.externalId ?? "non renseigné"}`);

  const identity = data.pivotIdentity;
  write.heading("Identité pivot (FranceConnect)");
  write.paragraph(`Nom de naissance : ${identity.familyName}`);
  write.paragraph(`Prénoms : ${identity.givenNames.join(" ") || "aucun"}`);
  write.paragraph(`Sexe : ${identity.gender === "female" ? "F" : "M"}`);
  write.paragraph(`Date de naissance : ${formatBirthdateFr(identity.birthdate)}`);
  write.paragraph(`Code Insee lieu de naissance : ${identity.birthplace ?? "aucun (naissance à l'étranger)"}`);
  write.paragraph(`Code Insee pays de naissance : ${identity.birthcountry}`);

  writeQuotientFamilial(write, data.quotientFamilial);

  root.end();
  doc.end();
  return finished;
}

function writeQuotientFamilial(write: Writer, qf: QuotientFamilialData): void {
  write.heading("Quotient familial");
  const value = qf.quotient_familial;
  if (value) {
    write.paragraph(`Quotient familial : ${value.valeur}`);
    write.paragraph(`Mois : ${monthYearFr(value.mois, value.annee)}`);
    write.paragraph(`Régime : ${FOURNISSEURS[value.fournisseur] ?? value.fournisseur}`);
    write.paragraph(`Calculé en : ${monthYearFr(value.mois_calcul, value.annee_calcul)}`);
  } else {
    write.paragraph("Quotient familial non communiqué par la CAF ou la MSA.");
  }

  write.heading("Allocataires");
  write.people(qf.allocataires);
  write.heading("Enfants");
  write.people(qf.enfants);

  write.heading("Adresse");
  const adresse = qf.adresse;
  if (adresse) {
    const lines = [
      adresse.destinataire,
      adresse.complement_information,
      adresse.complement_information_geographique,
      adresse.numero_libelle_voie,
      adresse.lieu_dit,
      adresse.code_postal_ville,
      adresse.pays,
    ];
    for (const line of lines) if (line) write.paragraph(line, { gap: 0 });
  } else {
    write.paragraph("Non communiquée.");
  }
}

/** Draws and tags in one go, so no text ends up outside the structure tree. */
class Writer {
  constructor(
    private readonly doc: Doc,
    private readonly root: Struct,
  ) {}

  title(text: string) {
    this.doc.font("Helvetica-Bold").fontSize(18).fillColor("#000091");
    this.doc.text(pdfSafe(text), { structParent: this.root, structType: "H1" });
    this.doc.moveDown(0.3);
    // The rule under the title is decoration: an artifact, skipped by screen readers.
    this.doc.markContent("Artifact", { type: "Layout" });
    const y = this.doc.y;
    this.doc
      .moveTo(this.doc.page.margins.left, y)
      .lineTo(this.doc.page.width - this.doc.page.margins.right, y)
      .lineWidth(1)
      .stroke("#000091");
    this.doc.endMarkedContent();
    this.doc.moveDown(0.8);
  }

  heading(text: string) {
    this.doc.moveDown(0.6);
    this.doc.font("Helvetica-Bold").fontSize(13).fillColor("#000091");
    this.doc.text(pdfSafe(text), { structParent: this.root, structType: "H2" });
    this.doc.moveDown(0.3);
  }

  paragraph(text: string, { gap = 0.15 }: { gap?: number } = {}) {
    this.doc.font("Helvetica").fontSize(11).fillColor("#161616");
    this.doc.text(pdfSafe(text), { structParent: this.root, structType: "P" });
    if (gap) this.doc.moveDown(gap);
  }

  /** One list item per person: "DUBOIS (nom d'usage MARTIN) ANGELA, née le 24/08/1962". */
  people(people: QuotientFamilialPerson[] | undefined) {
    if (people === undefined) return this.paragraph("Non communiqués.");
    if (people.length === 0) return this.paragraph("Aucun");
    const list = this.doc.struct("L");
    this.root.add(list);
    this.doc.font("Helvetica").fontSize(11).fillColor("#161616");
    this.doc.list(people.map(describePerson).map(pdfSafe), { structParent: list, bulletRadius: 2, textIndent: 12 });
    list.end();
    this.doc.moveDown(0.15);
  }
}

function describePerson(person: QuotientFamilialPerson): string {
  const usage =
    person.nom_usage && person.nom_usage !== person.nom_naissance ? ` (nom d'usage ${person.nom_usage})` : "";
  const born = person.sexe === "F" ? "née" : "né";
  return `${person.nom_naissance}${usage} ${person.prenoms}, ${born} ${bornOnFr(person.date_naissance)}`;
}

function validDate(iso: string): Date | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
