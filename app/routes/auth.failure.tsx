import { redirect } from "@remix-run/node";

/** The national form's OmniAuth failure path, registered at FranceConnect: to our journey's error page. */
export const loader = () => redirect("/demarche/erreur", 301);
