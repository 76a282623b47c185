/**
 * The clock. KLACHTENBUS_NOW (ISO 8601) starts it at another moment, and it runs on from there:
 * for tests and demos of deadlines without waiting for days. Unset in production.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv): () => Date {
  const start = env.KLACHTENBUS_NOW ? Date.parse(env.KLACHTENBUS_NOW) : NaN;
  if (Number.isNaN(start)) return () => new Date();
  const offset = start - Date.now();
  return () => new Date(Date.now() + offset);
}
