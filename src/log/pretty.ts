/**
 * @module pretty
 * pino's JSON records as one line each for people: the time, the level when
 * it is not `info`, the namespace, and the message, which paper-tiger writes
 * to be read (`POST /v1/customers 200 3.1ms req_...`). Other fields stay in
 * the JSON format; an error's message and stack are shown.
 */

const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: "TRACE", 20: "DEBUG", 40: "WARN", 50: "ERROR", 60: "FATAL" };

interface Record_ {
  time?: number;
  level?: number;
  namespace?: string;
  msg?: string;
  err?: { message?: string; stack?: string };
}

/** One pino JSON line as a human-readable line (ending in a newline). */
export function prettyLine(json: string): string {
  let r: Record_;
  try {
    r = JSON.parse(json) as Record_;
  } catch {
    return json.endsWith("\n") ? json : `${json}\n`;
  }
  const parts: string[] = [];
  if (typeof r.time === "number") parts.push(new Date(r.time).toISOString().slice(11, 23));
  const level = r.level !== undefined ? LEVEL_NAMES[r.level] : undefined;
  if (level) parts.push(level);
  if (r.namespace !== undefined) parts.push(`[${r.namespace}]`);
  if (r.msg !== undefined) parts.push(r.msg);
  let line = parts.join(" ");
  if (r.err?.stack) line += `\n${r.err.stack}`;
  else if (r.err?.message) line += `: ${r.err.message}`;
  return `${line}\n`;
}
