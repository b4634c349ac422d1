/** Heading tags a component title may use, so each page keeps its h1 → h2 → h3 order. */
export type HeadingTag = "h2" | "h3" | "h4" | "h5" | "h6" | "p";

/** Joins the truthy class names: DSFR modifiers are often conditional. */
export function cx(...classNames: Array<string | false | null | undefined>): string {
  return classNames.filter(Boolean).join(" ");
}

/** Ids of the landmarks the skip links point to (shown in the address bar, hence French). */
export const LANDMARK_IDS = {
  content: "contenu",
  menu: "menu",
  footer: "pied-de-page",
} as const;
