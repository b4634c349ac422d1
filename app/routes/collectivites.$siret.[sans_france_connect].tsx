import { redirect } from "@remix-run/node";

/** The national form's « sans FranceConnect » page, per commune; ours says the same for every commune. */
export const loader = () => redirect("/sans-france-connect", 301);
