/**
 * @module logger
 * The server's log is Fastify's own logger, pino: JSON lines as pino writes
 * them, or for people one short line per record (see `pretty.ts`). This
 * module turns paper-tiger's `logger` option into Fastify's.
 */
import { prettyLine } from "./pretty.js";

/** pino's levels, plus `silent`. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** A log level: records below it are not written. */
export type LogLevel = (typeof LOG_LEVELS)[number];
/** How records are written: pino's JSON lines, or one human-readable line each. */
export const LOG_FORMATS = ["json", "pretty"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Where log lines go: anything with `write(line)`, such as `process.stdout` or a file stream. */
export interface LogDestination {
  write(line: string): unknown;
  /** A terminal: the default format is then `pretty`. */
  readonly isTTY?: boolean;
}

/** The `logger` option of `startPaperTiger()`. */
export interface LoggerOptions {
  /** Lowest level written. Default `"info"`: a line per request and per webhook attempt. */
  level?: LogLevel;
  /** Default: `"pretty"` when the destination is a terminal, `"json"` otherwise. */
  format?: LogFormat;
  /** Default: `process.stdout`. */
  destination?: LogDestination;
}

/** What Fastify's `logger` option gets: pino's options and its stream. */
export interface FastifyLoggerConfig {
  readonly level: LogLevel;
  readonly stream: { write(line: string): void };
}

/** The format records are written in: as given, else `pretty` on a terminal and `json` otherwise. */
export function logFormat(option: LoggerOptions): LogFormat {
  return option.format ?? ((option.destination ?? process.stdout).isTTY ? "pretty" : "json");
}

/** Fastify's logger configuration for the option, or `false` when nothing is logged. */
export function fastifyLogger(option: boolean | LoggerOptions | undefined): FastifyLoggerConfig | false {
  if (option === undefined || option === false) return false;
  const o = option === true ? {} : option;
  const level = o.level ?? "info";
  if (level === "silent") return false;
  const destination = o.destination ?? process.stdout;
  const format = logFormat(o);
  const stream = format === "json" ? { write: (line: string) => void destination.write(line) } : { write: (line: string) => void destination.write(prettyLine(line)) };
  return { level, stream };
}
