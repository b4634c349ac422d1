import type { ReactNode } from "react";
import { HOME_CRUMB } from "~/components/home-crumb";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";

/** The `handle` of a text page: its trail is « Accueil › <title> ». */
export const contentPageHandle = (title: string): BreadcrumbHandle => ({
  breadcrumb: () => [HOME_CRUMB, { label: title }],
});

type ContentPageProps = {
  /** The page's h1; the route's `contentPageHandle` gives the same title to the breadcrumb. */
  title: string;
  /** Optional lead paragraph under the title. */
  lead?: ReactNode;
  children: ReactNode;
};

/** Layout of a text page (legal notices, help): breadcrumb, h1, and a readable column width. */
export function ContentPage({ title, lead, children }: ContentPageProps) {
  return (
    <div className="fr-container fr-mb-8w">
      <RouteBreadcrumb />
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
