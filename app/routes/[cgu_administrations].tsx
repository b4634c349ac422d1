import { redirect } from "@remix-run/node";

/** The national form's terms for administrations. */
export const loader = () => redirect("/conditions-generales-d-utilisation-administrations", 301);
