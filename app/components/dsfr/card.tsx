import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { cx, type HeadingTag } from "./shared";

type CardProps = {
  title: string;
  titleAs?: HeadingTag;
  /** Internal link on the title; the whole card becomes clickable unless it has a footer. */
  to?: string;
  description?: ReactNode;
  /** Short line above the title (badges, date…). */
  start?: ReactNode;
  /** Short line under the description. */
  detail?: ReactNode;
  /** Actions (a <ButtonsGroup>): a card holding buttons cannot be clickable as a whole. */
  footer?: ReactNode;
  horizontal?: boolean;
  className?: string;
};

/** DSFR "carte". */
export function Card({
  title,
  titleAs: Title = "h3",
  to,
  description,
  start,
  detail,
  footer,
  horizontal,
  className,
}: CardProps) {
  return (
    <div className={cx("fr-card", to && !footer && "fr-enlarge-link", horizontal && "fr-card--horizontal", className)}>
      <div className="fr-card__body">
        <div className="fr-card__content">
          <Title className="fr-card__title">{to ? <Link to={to}>{title}</Link> : title}</Title>
          {description ? <p className="fr-card__desc">{description}</p> : null}
          {start ? <div className="fr-card__start">{start}</div> : null}
          {detail ? (
            <div className="fr-card__end">
              <p className="fr-card__detail">{detail}</p>
            </div>
          ) : null}
        </div>
        {footer ? <div className="fr-card__footer">{footer}</div> : null}
      </div>
    </div>
  );
}
