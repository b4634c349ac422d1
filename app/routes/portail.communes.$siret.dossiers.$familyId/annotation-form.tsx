import { Form } from "@remix-run/react";
import { Button } from "~/components/dsfr/button";
import { Textarea } from "~/components/dsfr/textarea";
import type { FamilyFileView } from "./family-file-view.server";
import { MAX_ANNOTATION_LENGTH } from "./family-file-forms";

/** The agents' private note on the file; saving it leads back to the file with « Note enregistrée. » */
export function AnnotationForm({
  annotation,
  error,
  busy,
}: {
  annotation: FamilyFileView["annotation"];
  error: string | undefined;
  busy: boolean;
}) {
  return (
    <>
      <h2>Note interne</h2>
      <Form method="post">
        <input type="hidden" name="intent" value="annoter" />
        <Textarea
          name="annotation"
          label="Note des agents"
          hint={`Visible des seuls agents de la commune, jamais du demandeur.${annotation ? ` Modifiée le ${annotation.updatedAt}.` : ""}`}
          rows={5}
          maxLength={MAX_ANNOTATION_LENGTH}
          defaultValue={annotation?.body ?? ""}
          key={annotation?.updatedAt ?? "vide"}
          error={error}
        />
        <Button type="submit" priority="secondary" disabled={busy}>
          Enregistrer la note
        </Button>
      </Form>
    </>
  );
}
