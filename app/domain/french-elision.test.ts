import { describe, expect, it } from "vitest";
import { ofPlace, toPlace } from "./french-elision";

describe("ofPlace", () => {
  it.each([
    ["Angers", "d’Angers"],
    ["Ajaccio", "d’Ajaccio"],
    ["Évry-Courcouronnes", "d’Évry-Courcouronnes"],
    ["Le Havre", "du Havre"],
    ["Les Abymes", "des Abymes"],
    // An initial h is aspirated unless the commune is known to write « d’ ».
    ["Hautot-l'Auvray", "de Hautot-l'Auvray"],
    ["Hyères", "d’Hyères"],
    // La and L' do not contract.
    ["La Rochelle", "de La Rochelle"],
    ["L'Haÿ-les-Roses", "de L'Haÿ-les-Roses"],
    ["Yvetot", "d’Yvetot"],
    ["Rennes", "de Rennes"],
    ["Saint-Étienne", "de Saint-Étienne"],
    // "Lens" and "Lesparre-Médoc" start like an article but are not one.
    ["Lens", "de Lens"],
    ["Lesparre-Médoc", "de Lesparre-Médoc"],
  ])("%s → %s", (name, expected) => {
    expect(ofPlace(name)).toBe(expected);
  });
});

describe("toPlace", () => {
  it.each([
    ["Angers", "à Angers"],
    ["Le Havre", "au Havre"],
    ["Les Abymes", "aux Abymes"],
    ["La Rochelle", "à La Rochelle"],
    ["Hautot-l'Auvray", "à Hautot-l'Auvray"],
  ])("%s → %s", (name, expected) => {
    expect(toPlace(name)).toBe(expected);
  });
});
