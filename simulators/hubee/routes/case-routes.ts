import type { Router } from "express";
import { caseOfParty } from "../access.ts";
import { principalOf } from "../auth.ts";
import { markReadByRecipient, patchCaseStatus } from "../case-service.ts";
import { badRequest, notFound } from "../errors.ts";
import { registerOperation, type ApiContext, type OperationHandler } from "../operations.ts";
import { validatedQuery } from "../request-validation.ts";
import { caseAttachments, caseView } from "../views.ts";

/** `/cases/{caseId}…`: the recipient SI reads and moves the case, the sender follows and closes it. */
export function registerCaseRoutes(router: Router, ctx: ApiContext): void {
  const { store } = ctx;

  registerOperation(router, ctx, "getCaseById", (req, res) => {
    const { folder, kase, party } = caseOfParty(store, principalOf(res), req.params.caseId);
    if (party === "recipient") markReadByRecipient(store, folder, kase, ctx.now());
    res.json(caseView(folder, kase, party, validatedQuery(res).lite === "true"));
  });

  const update: OperationHandler = (req, res) => {
    const principal = principalOf(res);
    const { folder, kase, party } = caseOfParty(store, principal, req.params.caseId);
    const status = (req.body as { status?: string }).status;
    if (!status) throw badRequest("status is required");
    patchCaseStatus(folder, kase, party, principal.organization, status, ctx.now());
    res.status(204).end();
  };
  registerOperation(router, ctx, "updateCase", update);
  registerOperation(router, ctx, "updateCaseWithPost", update);

  registerOperation(router, ctx, "downloadCaseAttachmentById", (req, res) => {
    const { folder, kase } = caseOfParty(store, principalOf(res), req.params.caseId);
    const attachment = caseAttachments(folder, kase).find((a) => a.id === req.params.attachmentId);
    const bytes = attachment ? store.blobs.get(attachment.id) : undefined;
    if (!attachment || !bytes || !attachment.sha256) throw notFound("File is not found");
    res.setHeader("Content-Type", "application/octet-stream");
    res.setHeader("Content-Disposition", `attachment; filename*=UTF-8''${encodeURIComponent(attachment.fileName)}`);
    res.setHeader("digest", attachment.sha256);
    res.status(200).end(bytes);
  });
}
