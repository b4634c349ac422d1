import type { Crumb } from "./route-breadcrumb";

/**
 * First step of the public pages' trail (citizens, editors, legal pages). Not a root `handle`:
 * the agents' space starts its own trail at « Espace agents », without the home page.
 */
export const HOME_CRUMB: Crumb = { label: "Accueil", to: "/" };
