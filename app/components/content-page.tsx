import type { ReactNode } from "react";
import { Breadcrumb } from "~/components/dsfr/breadcrumb";

type ContentPageProps = {
  /** The page's h1, also the last breadcrumb segment. */
  title: string;
  /** Optional lead paragraph under the title. */
  lead?: ReactNode;
  children: ReactNode;
};

/** Layout of a text page (legal notices, help): breadcrumb, h1, and a readable column width. */
export function ContentPage({ title, lead, children }: ContentPageProps) {
  return (
    <div className="fr-container fr-mb-8w">
      <Breadcrumb segments={[{ label: "Accueil", to: "/" }]} currentPageLabel={title} />
      <div className="fr-grid-row">
        <div className="fr-col-12 fr-col-md-10 fr-col-lg-8 qf-prose">
          <h1>{title}</h1>
          {lead ? <p className="fr-text--lead">{lead}</p> : null}
          {children}
        </div>
      </div>
    </div>
  );
}
