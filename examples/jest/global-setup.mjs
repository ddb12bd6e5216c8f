import { startPaperTiger } from "paper-tiger";

export default async function globalSetup() {
  globalThis.paperTiger = await startPaperTiger({ port: 0 });
  process.env.PAPER_TIGER_URL = globalThis.paperTiger.url; // the workers inherit it
}
