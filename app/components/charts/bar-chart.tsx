import { Table } from "~/components/dsfr/table";

export interface BarDatum {
  /** Category as read aloud and shown under the bar ("Tranche A", "janv. 2026"). */
  label: string;
  value: number;
  /** Shorter text under the bar when the label does not fit ("janv." for "janvier 2026"). */
  axisLabel?: string;
}

type BarChartProps = {
  /** Unique on the page: prefixes the ids that tie the SVG to its title and description. */
  id: string;
  /** The chart's accessible name, also the caption of its data table. */
  title: string;
  data: BarDatum[];
  /** Header of the category column of the table ("Tranche de QF"). */
  categoryLabel: string;
  /** Header of the value column ("Familles"). */
  valueLabel: string;
  /** Extra sentence for the description (e.g. how the numbers are counted). */
  note?: string;
  /** Show only every n-th category under the axis when there are many (all stay in the table). */
  labelEvery?: number;
  /** What the labels under the bars are, when it is not obvious ("QF en euros, début de tranche"). */
  axisTitle?: string;
};

const WIDTH = 640;
const HEIGHT = 260;
const MARGIN = { top: 20, right: 8, bottom: 44, left: 44 };
const formatNumber = (value: number) => value.toLocaleString("fr-FR");

/** Ticks at round values (1, 2, 5 × 10^n) so the axis reads naturally; at most ~5 of them. */
export function niceTicks(max: number): number[] {
  if (max <= 0) return [0];
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const integerStep = Math.max(1, Math.round(step));
  const ticks: number[] = [];
  for (let tick = 0; tick < max + integerStep; tick += integerStep) ticks.push(tick);
  return ticks;
}

/** "Tranche A : 3 ; Tranche B : 5." for short series, a summary for long ones. */
export function describeSeries(data: BarDatum[], valueLabel: string): string {
  if (data.length === 0) return "Aucune donnée.";
  const total = data.reduce((sum, d) => sum + d.value, 0);
  if (data.length <= 14) {
    return `${data.map((d) => `${d.label} : ${formatNumber(d.value)}`).join(" ; ")}. Total : ${formatNumber(total)}.`;
  }
  const max = data.reduce((best, d) => (d.value > best.value ? d : best), data[0]!);
  return `${data.length} valeurs, de ${data[0]!.label} à ${data.at(-1)!.label}. ${valueLabel} : ${formatNumber(total)} au total, au plus ${formatNumber(max.value)} (${max.label}).`;
}

/**
 * A bar chart drawn on the server as SVG, no script and no library. For assistive technologies
 * (RGAA 1.1 and 1.3) the SVG is one image (role="img") named by its <title> and described by a
 * <desc> that reads the values; the same data follow in a DSFR table inside <details>, for people
 * who would rather read numbers or who navigate tables.
 */
export function BarChart({
  id,
  title,
  data,
  categoryLabel,
  valueLabel,
  note,
  labelEvery = 1,
  axisTitle,
}: BarChartProps) {
  const titleId = `${id}-titre`;
  const descId = `${id}-description`;
  const description = [describeSeries(data, valueLabel), note].filter(Boolean).join(" ");
  const max = Math.max(0, ...data.map((d) => d.value));
  const ticks = niceTicks(max);
  const top = ticks.at(-1) || 1;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = data.length > 0 ? plotWidth / data.length : plotWidth;
  const barWidth = Math.max(2, slot * 0.7);
  const y = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;
  const showValues = data.length <= 16;
  return (
    <figure className="qf-chart fr-mb-4w">
      <svg
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id={titleId}>{title}</title>
        <desc id={descId}>{description}</desc>
        {ticks.map((tick) => (
          <g key={tick}>
            <line
              className="qf-chart__axis"
              x1={MARGIN.left}
              x2={WIDTH - MARGIN.right}
              y1={y(tick)}
              y2={y(tick)}
              stroke="#dddddd"
            />
            <text className="qf-chart__text" x={MARGIN.left - 6} y={y(tick) + 4} textAnchor="end" fill="#3a3a3a">
              {formatNumber(tick)}
            </text>
          </g>
        ))}
        {data.map((d, index) => {
          const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
          const center = x + barWidth / 2;
          return (
            <g key={`${index}-${d.label}`}>
              <rect
                className="qf-chart__bar"
                x={x}
                y={y(d.value)}
                width={barWidth}
                height={Math.max(0, MARGIN.top + plotHeight - y(d.value))}
                fill="#000091"
              />
              {showValues && d.value > 0 ? (
                <text className="qf-chart__text" x={center} y={y(d.value) - 4} textAnchor="middle" fill="#3a3a3a">
                  {formatNumber(d.value)}
                </text>
              ) : null}
              {index % labelEvery === 0 ? (
                <text
                  className="qf-chart__text"
                  x={center}
                  y={HEIGHT - MARGIN.bottom + 16}
                  textAnchor="middle"
                  fill="#3a3a3a"
                >
                  {d.axisLabel ?? d.label}
                </text>
              ) : null}
            </g>
          );
        })}
        {max === 0 ? (
          // An empty chart would look broken: say there is nothing yet.
          <text
            className="qf-chart__text"
            x={MARGIN.left + plotWidth / 2}
            y={MARGIN.top + plotHeight / 2}
            textAnchor="middle"
            fill="#3a3a3a"
          >
            Aucune valeur à afficher pour l’instant
          </text>
        ) : null}
        {axisTitle ? (
          <text
            className="qf-chart__text"
            x={MARGIN.left + plotWidth / 2}
            y={HEIGHT - 6}
            textAnchor="middle"
            fill="#3a3a3a"
          >
            {axisTitle}
          </text>
        ) : null}
      </svg>
      <details className="fr-mt-1w">
        <summary>Voir les données de « {title} » en tableau</summary>
        <Table
          caption={title}
          hideCaption
          rowHeaders
          size="sm"
          headers={[categoryLabel, valueLabel]}
          rows={data.map((d, index) => ({ key: `${index}-${d.label}`, cells: [d.label, formatNumber(d.value)] }))}
        />
      </details>
    </figure>
  );
}
