import type { Router } from "express";
import { folderOfSender } from "../access.ts";
import { principalOf } from "../auth.ts";
import { createFolder, deleteFolder, uploadAttachment, updateFolder, type FolderInput } from "../folder-service.ts";
import { partnerInfoOf, registerOperation, type ApiContext, type OperationHandler } from "../operations.ts";
import { folderView } from "../views.ts";

/** Sender (OSL) side: `/folders…`. */
export function registerFolderRoutes(router: Router, ctx: ApiContext): void {
  const { store } = ctx;

  registerOperation(router, ctx, "createFolder", (req, res) => {
    const principal = principalOf(res);
    const folder = createFolder(store, principal.organization, req.body as FolderInput, partnerInfoOf(req), ctx.now());
    res.status(201).json(folderView(folder));
  });

  registerOperation(router, ctx, "getFolderById", (req, res) => {
    res.json(folderView(folderOfSender(store, principalOf(res), req.params.folderId)));
  });

  const update: OperationHandler = (req, res) => {
    const folder = folderOfSender(store, principalOf(res), req.params.folderId);
    updateFolder(store, folder, req.body as { globalStatus: string; closeDateTime?: string }, ctx.now());
    res.status(204).end();
  };
  registerOperation(router, ctx, "updateFolder", update);
  registerOperation(router, ctx, "updateFolderWithPost", update);

  registerOperation(router, ctx, "deleteFolder", (req, res) => {
    deleteFolder(store, folderOfSender(store, principalOf(res), req.params.folderId));
    res.status(204).end();
  });

  registerOperation(router, ctx, "uploadFolderAttachment", (req, res) => {
    const folder = folderOfSender(store, principalOf(res), req.params.folderId);
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    uploadAttachment(store, folder, req.params.attachmentId, bytes, req.get("digest"), ctx.now());
    res.status(204).end();
  });
}
