/** Structured logs: one JSON object a line on stdout (journald keeps it; the CloudWatch agent ships it). */

export type LogLevel = "info" | "warn" | "error";

export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
}

/** The message of an unknown thrown value, without a stack. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return (error as Error & { code?: string }).code ? `${error.message} (${(error as { code?: string }).code})` : error.message;
  return String(error);
}
