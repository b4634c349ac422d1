import type { FamilyFileView } from "./family-file-view.server";

/** The transmissions' attachments, downloaded through the portal (each download is audited). */
export function AttachmentsList({
  fileBase,
  attachments,
}: {
  /** The file's address, without query. */
  fileBase: string;
  attachments: FamilyFileView["attachments"];
}) {
  return (
    <>
      <h2>Pièces jointes</h2>
      {attachments.length === 0 ? (
        <p>Aucune pièce jointe.</p>
      ) : (
        <ul>
          {attachments.map((a) => (
            <li key={a.id}>
              <a className="fr-link fr-link--download" download href={`${fileBase}/pieces-jointes/${a.id}`}>
                {a.fileName}
                <span className="fr-link__detail">
                  {a.type} – {Math.max(1, Math.round(a.size / 1024))} Ko
                  {a.digestVerified ? "" : " – empreinte non vérifiée"}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
