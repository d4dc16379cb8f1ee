// Runs once when the Next.js server starts: opens the database (applying migrations) so the
// first request does not pay for it, and tells the owner's CLI where the server listens (server.json).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerServices } = await import("./lib/server/startup");
  await startServerServices();
}
