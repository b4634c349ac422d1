/**
 * Who publishes and runs the service, as shown on the legal pages. One place to change
 * when another public body operates the service.
 */
export const OPERATOR = {
  name: "Direction interministérielle du numérique",
  shortName: "DINUM",
  postalAddress: "20 avenue de Ségur, 75007 Paris",
  publicationDirector: "le directeur interministériel du numérique",
  contactEmail: "contact-portail-qf@numerique.gouv.fr",
  dataProtectionEmail: "dpd-portail-qf@numerique.gouv.fr",
} as const;
