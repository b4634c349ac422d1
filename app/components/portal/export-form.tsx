import { Button } from "~/components/dsfr/button";
import { Select } from "~/components/dsfr/select";
import { EXPORT_FORMAT_INFO, type ExportFormat } from "~/portal/exports/export-formats";

export interface ExportFormProps {
  siret: string;
  /** The inbox's current search params (tab, search, filters, sort): the export's exact scope. */
  searchParams: URLSearchParams;
  total: number;
}

/**
 * "Exporter" of the inbox. A plain (document) POST form rather than Remix's Form: the answer is
 * a file the browser downloads, or a redirect to the status page of a large export.
 */
export function ExportForm({ siret, searchParams, total }: ExportFormProps) {
  const hidden = [...searchParams].filter(([key]) => key !== "page" && key !== "parPage");
  return (
    <form
      method="post"
      action={`/portail/communes/${siret}/exports/nouveau`}
      aria-label="Exporter les dossiers"
      className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-3w"
    >
      {hidden.map(([key, value]) => (
        <input key={key} type="hidden" name={key} value={value} />
      ))}
      <Select
        className="fr-col-8 fr-col-md-4"
        name="format"
        id="export-format"
        label="Format d’export"
        hint={`${total > 1 ? `Les ${total} dossiers` : "Le dossier"} de cette liste, avec ses filtres et son tri`}
        options={(Object.keys(EXPORT_FORMAT_INFO) as ExportFormat[]).map((format) => ({
          value: format,
          label: EXPORT_FORMAT_INFO[format].label,
        }))}
        defaultValue="xlsx"
      />
      <div className="fr-col-4 fr-col-md-3 fr-mb-3w">
        <Button type="submit" priority="secondary" icon="fr-icon-download-line">
          Exporter
        </Button>
      </div>
    </form>
  );
}
