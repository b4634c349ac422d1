import type { Flash } from "~/http/flash";
import { Alert } from "./dsfr/alert";

/** The message an action left for this page (Post/Redirect/Get), announced politely. */
export function FlashAlert({ flash, className = "fr-mb-3w" }: { flash: Flash | null | undefined; className?: string }) {
  if (!flash) return null;
  return <Alert type={flash.level} small announce className={className} description={flash.message} />;
}
