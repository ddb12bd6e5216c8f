export default async function globalTeardown() {
  await globalThis.paperTiger.close();
}
