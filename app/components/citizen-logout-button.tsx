import { Form } from "@remix-run/react";
import { Button } from "~/components/dsfr/button";

/** Logs out of FranceConnect too (a POST: logging out changes state). */
export function LogoutButton({ label = "Me déconnecter" }: { label?: string }) {
  return (
    <Form method="post" action="/auth/franceconnect/deconnexion">
      <Button type="submit" priority="tertiary" icon="fr-icon-logout-box-r-line">
        {label}
      </Button>
    </Form>
  );
}
