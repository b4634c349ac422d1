import type { ReactNode } from "react";
import { cx } from "./shared";

type NoticeProps = {
  title: ReactNode;
  description?: ReactNode;
  /** "alert" for a service disruption, "warning" for a risk, "info" otherwise. */
  type?: "info" | "warning" | "alert";
  /** Internal or external link; external ones open in a new window, as DSFR does. */
  link?: { label: string; href: string; external?: boolean };
};

/**
 * DSFR "bandeau d'information importante", placed right under the header.
 * Not dismissible: DSFR's close button relies on an inline handler the CSP forbids.
 */
export function Notice({ title, description, type = "info", link }: NoticeProps) {
  return (
    <div className={cx("fr-notice", `fr-notice--${type}`)}>
      <div className="fr-container">
        <div className="fr-notice__body">
          <p>
            <span className="fr-notice__title">{title}</span>
            {description ? <span className="fr-notice__desc">{description}</span> : null}
            {link ? (
              <a
                className="fr-notice__link"
                href={link.href}
                {...(link.external
                  ? { target: "_blank", rel: "noopener noreferrer external", title: `${link.label} - nouvelle fenêtre` }
                  : {})}
              >
                {link.label}
              </a>
            ) : null}
          </p>
        </div>
      </div>
    </div>
  );
}
