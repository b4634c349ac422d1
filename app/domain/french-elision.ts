/**
 * « de » and « à » before a place name, as French writes them: « d’Angers », « du Havre »,
 * « des Abymes », « au Havre », « aux Abymes », but « de Hautot-l'Auvray » and « de La Rochelle ».
 *
 * The rule: « de » is elided before a vowel or a mute h. Whether an h is mute depends on the
 * word, not its spelling, so a name starting with H keeps « de » unless listed below. Y elides
 * before a consonant (Yvetot, Yzeure), not before a vowel (Yerres is written both ways). The
 * articles Le and Les contract with the preposition (du, des; au, aux); La and L' do not.
 */

/** Communes whose initial h is mute, as their own publications write them (« d’Hyères »). */
const MUTE_H = new Set(
  [
    "Harfleur",
    "Hendaye",
    "Hénin-Beaumont",
    "Herblay-sur-Seine",
    "Hérouville-Saint-Clair",
    "Hyères",
    "Hazebrouck",
    "Héricourt",
  ].map((name) => name.toLowerCase()),
);

const VOWEL = /^[aeiouàâäéèêëîïôöùûüœæ]/iu;

function elides(name: string): boolean {
  if (VOWEL.test(name)) return true;
  if (/^y[^aeiouy]/iu.test(name)) return true;
  if (/^h/iu.test(name)) return MUTE_H.has(name.toLowerCase());
  return false;
}

/** « Le Havre » → the article's number and « Havre »; null when the name has no contracting article. */
function contractingArticle(name: string): { rest: string; plural: boolean } | null {
  const match = /^(Le|Les) (.+)$/.exec(name);
  return match ? { rest: match[2]!, plural: match[1] === "Les" } : null;
}

/** « d’Angers », « du Havre », « des Abymes », « de Hautot-l'Auvray », « de La Rochelle ». */
export function ofPlace(name: string): string {
  const trimmed = name.trim();
  const article = contractingArticle(trimmed);
  if (article) return `${article.plural ? "des" : "du"} ${article.rest}`;
  return elides(trimmed) ? `d’${trimmed}` : `de ${trimmed}`;
}

/** « à Angers », « au Havre », « aux Abymes », « à La Rochelle ». */
export function toPlace(name: string): string {
  const trimmed = name.trim();
  const article = contractingArticle(trimmed);
  if (article) return `${article.plural ? "aux" : "au"} ${article.rest}`;
  return `à ${trimmed}`;
}
