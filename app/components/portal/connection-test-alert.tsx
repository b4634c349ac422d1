import { Alert } from "~/components/dsfr/alert";

/** The outcome of a "Tester la connexion", announced to screen readers as it appears. */
export function ConnectionTestAlert({
  result,
}: {
  result: { level: "success" | "warning" | "error"; message: string } | null;
}) {
  if (!result) return null;
  return <Alert type={result.level} small description={result.message} announce className="fr-mb-3w" />;
}
