import { eq } from "drizzle-orm";
import type { Database } from "../client.ts";
import { collectivities, tariffBrackets, tariffServices, tariffVersions } from "../schema/index.ts";

const ANGERS_SIRET = "21490007900010";

const BRACKETS = [
  { label: "Tranche A", min: 0, max: 450 },
  { label: "Tranche B", min: 451, max: 800 },
  { label: "Tranche C", min: 801, max: 1200 },
  { label: "Tranche D", min: 1201, max: null },
];

const grid = (prices: number[], noQf: number) => ({
  kind: "grid",
  brackets: BRACKETS.map((b, i) => ({ ...b, priceCents: prices[i]! })),
  noQfPriceCents: noQf,
  roundingCents: 1,
  siblingReduction: { percent: 10, fromChild: 2 },
});

/**
 * Angers' tariffs, so a newcomer sees prices everywhere at once: three published services (one
 * per kind of rule) since the last 1 September, and a draft canteen grid for the next one.
 * Idempotent: a commune that already has services is left alone.
 */
export async function seedDemoTariffs(db: Database, now = new Date()): Promise<void> {
  const [angers] = await db.select().from(collectivities).where(eq(collectivities.siret, ANGERS_SIRET));
  if (!angers) return;
  const existing = await db
    .select({ id: tariffServices.id })
    .from(tariffServices)
    .where(eq(tariffServices.collectivityId, angers.id));
  if (existing.length > 0) return;
  const collectivityId = angers.id;
  const brackets = await db.select().from(tariffBrackets).where(eq(tariffBrackets.collectivityId, collectivityId));
  if (brackets.length === 0) {
    await db
      .insert(tariffBrackets)
      .values(
        BRACKETS.map((b, i) => ({ collectivityId, position: i + 1, label: b.label, minValue: b.min, maxValue: b.max })),
      );
  }
  const year = now.getUTCMonth() >= 8 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  const lastSeptember = `${year}-09-01`;
  const nextSeptember = `${year + 1}-09-01`;
  const services = await db
    .insert(tariffServices)
    .values([
      { collectivityId, name: "Restauration scolaire", unit: "repas", perChild: true, expectedUnitsPerYear: 140 },
      {
        collectivityId,
        name: "Accueil périscolaire du soir",
        unit: "heure",
        perChild: true,
        expectedUnitsPerYear: 120,
      },
      {
        collectivityId,
        name: "Accueil de loisirs — journée",
        unit: "journee",
        perChild: true,
        expectedUnitsPerYear: 20,
      },
    ])
    .returning({ id: tariffServices.id, name: tariffServices.name });
  const id = (name: string) => services.find((s) => s.name === name)!.id;
  const published = { status: "published" as const, validFrom: lastSeptember, publishedAt: now, collectivityId };
  await db.insert(tariffVersions).values([
    { ...published, serviceId: id("Restauration scolaire"), rule: grid([95, 245, 380, 520], 520) },
    {
      ...published,
      serviceId: id("Accueil périscolaire du soir"),
      rule: {
        kind: "effort",
        rate: 3200,
        floorCents: 50,
        ceilingCents: 420,
        noQfPriceCents: 420,
        roundingCents: 1,
        siblingReduction: null,
      },
    },
    {
      ...published,
      serviceId: id("Accueil de loisirs — journée"),
      rule: {
        kind: "linear",
        qf1: 400,
        price1Cents: 300,
        qf2: 1600,
        price2Cents: 1800,
        noQfPriceCents: 1800,
        roundingCents: 5,
        siblingReduction: null,
      },
    },
    // The council's project for next September: +5 % on the two upper brackets.
    {
      collectivityId,
      status: "draft" as const,
      validFrom: nextSeptember,
      serviceId: id("Restauration scolaire"),
      rule: grid([95, 245, 400, 545], 545),
    },
  ]);
}
