import { Writable } from "node:stream";
import { asc, and, eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { exportChunks } from "../../../db/schema/index.ts";

/** 1 MiB per row: few rows for a large file, little memory held per write. */
export const CHUNK_BYTES = 1024 * 1024;

/**
 * A background export's file, written into export_chunks as it is produced. write() calls
 * back only once a full chunk is stored, which is the backpressure the writers wait on.
 */
export class ChunkWriter extends Writable {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private seq = 0;
  bytes = 0;

  constructor(
    private readonly db: Database,
    private readonly exportId: string,
    private readonly chunkBytes = CHUNK_BYTES,
  ) {
    super({ highWaterMark: 256 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.bytes += chunk.length;
    if (this.pendingBytes < this.chunkBytes) return callback();
    this.store().then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.pendingBytes === 0) return callback();
    this.store().then(() => callback(), callback);
  }

  private async store(): Promise<void> {
    const data = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.db.insert(exportChunks).values({ exportId: this.exportId, seq: this.seq++, data });
  }
}

/** The stored file, chunk after chunk: one chunk in memory at a time. */
export async function* readChunks(db: Database, exportId: string): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const [row] = await db
      .select({ data: exportChunks.data })
      .from(exportChunks)
      .where(and(eq(exportChunks.exportId, exportId), eq(exportChunks.seq, seq)))
      .orderBy(asc(exportChunks.seq));
    if (!row) return;
    yield row.data;
  }
}
