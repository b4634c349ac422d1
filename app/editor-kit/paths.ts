/** Public addresses of the editors' integration kit (a module of its own: pages link to them without the schema). */
export const FORMULAIRE_QF_SCHEMA_PATH = "/integration/schemas/formulaire-qf.schema.json";
export const FORMULAIRE_QF_XML_DESCRIPTION_PATH = "/integration/formulaire-qf-xml";
export const INTEGRATION_PAGE_PATH = "/integrer-le-formulaire-qf";
