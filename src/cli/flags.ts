/**
 * @module flags
 * Command-line flags as data. Each command declares one table of flags (name,
 * environment variable, value placeholder, default, help line, parser); the
 * argument parser, the environment fallback, `--help` and the README's flag
 * tables are all derived from it, so a new flag is one new row.
 */
import { parseArgs } from "node:util";

/** A flag value parser: turns the text given into the value, or throws a {@link FlagError}. */
export type FlagParser<T> = (text: string, source: string) => T;

/** One flag of a command. */
export interface Flag<T = unknown> {
  /** Long name without the dashes (`"port"` for `--port`). */
  readonly name: string;
  /** One-letter alias (`"h"` for `-h`). */
  readonly short?: string;
  /**
   * Environment variable read when the flag is not given; derived from the
   * name (`PAPER_TIGER_PORT`) unless given, `null` for flags without one
   * (`--help`, `--version`).
   */
  readonly env?: string | null;
  /** Placeholder of the value in help (`"<n>"`); absent for a switch. */
  readonly value?: string;
  /** Repeatable (`--webhook a --webhook b`); its variable takes a comma-separated list. */
  readonly repeatable?: boolean;
  /** The default as shown in help and in the README (`"12111"`, `"none"`). */
  readonly default: string;
  /** One line on what the flag does. */
  readonly help: string;
  /** Parses and validates one value (a repeatable flag: each of its values). Default: the text as is. */
  readonly parse?: FlagParser<T>;
}

/** A command and its flags. */
export interface Command {
  /** `"paper-tiger"`, `"paper-tiger listen"`. */
  readonly name: string;
  /** The usage line after `Usage: `. */
  readonly usage: string;
  /** What the command does, one or two lines. */
  readonly summary: string;
  readonly flags: readonly Flag[];
  /** Positional arguments taken (default none). */
  readonly positionals?: number;
}

/** A bad flag or flag value; the message names the flag (or its variable), the value and what is accepted. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FlagError";
  }
}

/** The environment variable of a flag, or `null`. */
export function envName(flag: Flag): string | null {
  if (flag.env !== undefined) return flag.env;
  return `PAPER_TIGER_${flag.name.toUpperCase().replace(/-/g, "_")}`;
}

/** Parsed flag values by flag name (a repeatable flag: an array), and the positionals. */
export interface ParsedFlags {
  readonly values: Readonly<Record<string, unknown>>;
  readonly positionals: readonly string[];
}

/**
 * Parses `argv` against the command's flags; a flag not given falls back to
 * its environment variable (empty counts as unset). Throws {@link FlagError}.
 */
export function parseFlags(command: Command, argv: readonly string[], env: NodeJS.ProcessEnv): ParsedFlags {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const f of command.flags) {
    options[f.name] = { type: f.value ? "string" : "boolean", ...(f.short ? { short: f.short } : {}), ...(f.repeatable ? { multiple: true } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new FlagError((err as Error).message);
  }
  const max = command.positionals ?? 0;
  if (parsed.positionals.length > max) {
    throw new FlagError(`Unexpected argument ${JSON.stringify(parsed.positionals[max])}${max === 0 ? `: ${command.name} takes flags only` : ""}`);
  }
  const values: Record<string, unknown> = {};
  for (const f of command.flags) {
    const given = parsed.values[f.name];
    const variable = envName(f);
    const fromEnv = variable !== null ? env[variable] : undefined;
    const parse = (text: string, source: string): unknown => (f.parse ? f.parse(text, source) : text);
    if (!f.value) {
      if (given !== undefined) values[f.name] = given;
      else if (fromEnv !== undefined && fromEnv !== "") values[f.name] = parseSwitch(fromEnv, variable!);
    } else if (f.repeatable) {
      const texts = given !== undefined ? (given as string[]) : fromEnv ? splitList(fromEnv) : undefined;
      const source = given !== undefined ? `--${f.name}` : variable!;
      if (texts !== undefined) values[f.name] = texts.map((t) => parse(t, source));
    } else if (given !== undefined) {
      values[f.name] = parse(given as string, `--${f.name}`);
    } else if (fromEnv !== undefined && fromEnv !== "") {
      values[f.name] = parse(fromEnv, variable!);
    }
  }
  return { values, positionals: parsed.positionals };
}

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);

function parseSwitch(text: string, source: string): boolean {
  const t = text.toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  throw new FlagError(`${source} must be true or false (or 1/0), got ${JSON.stringify(text)}`);
}

const HELP_WIDTH = 28;

/** The flag as written in help: `--port <n>`, `-h, --help`. */
function spelling(f: Flag): string {
  return `${f.short ? `-${f.short}, ` : ""}--${f.name}${f.value ? ` ${f.value}` : ""}`;
}

/** `--help` text of a command, every flag with its default and its environment variable. */
export function helpText(command: Command, extra = ""): string {
  const lines = [`Usage: ${command.usage}`, "", command.summary, "", "Options:"];
  for (const f of command.flags) {
    const head = `  ${spelling(f)}`;
    lines.push(head.length < HELP_WIDTH ? `${head.padEnd(HELP_WIDTH)}${f.help}` : `${head}\n${" ".repeat(HELP_WIDTH)}${f.help}`);
    const variable = envName(f);
    const facts = [`default: ${f.default}`, ...(variable ? [`env: ${variable}${f.repeatable ? " (comma-separated)" : ""}`] : [])];
    lines.push(`${" ".repeat(HELP_WIDTH)}${facts.join("   ")}`);
  }
  return `${lines.join("\n")}\n${extra}`;
}

/** Defaults that are words, not values: shown as text, not code. */
const PLAIN_DEFAULTS = /^(none|off|random|required)$/;

/** The README's Markdown table of a command's flags. */
export function markdownTable(command: Command): string {
  const rows = ["| flag | environment variable | default | meaning |", "| --- | --- | --- | --- |"];
  for (const f of command.flags) {
    const variable = envName(f);
    const env = variable ? `\`${variable}\`${f.repeatable ? " (comma-separated)" : ""}` : "—";
    const value = PLAIN_DEFAULTS.test(f.default) ? f.default : `\`${f.default}\``;
    rows.push(`| \`${spelling(f)}\` | ${env} | ${value} | ${f.help.replace(/\|/g, "\\|")} |`);
  }
  return rows.join("\n");
}

/** Parsers shared by commands. */
export const parsers = {
  /** An integer in `[min, max]`. */
  integer:
    (min: number, max: number): FlagParser<number> =>
    (text, source) => {
      const n = Number(text);
      if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
        const range = max !== Number.MAX_SAFE_INTEGER ? `an integer from ${min} to ${max}` : min === 0 ? "a non-negative integer" : min === 1 ? "a positive integer" : `an integer >= ${min}`;
        throw new FlagError(`${source} must be ${range}, got ${JSON.stringify(text)}`);
      }
      return n;
    },
  /** A positive finite number. */
  positive: ((text, source) => {
    const n = Number(text);
    if (text.trim() === "" || !(n > 0) || !Number.isFinite(n)) throw new FlagError(`${source} must be a positive number, got ${JSON.stringify(text)}`);
    return n;
  }) as FlagParser<number>,
  /** One of `choices`; `aliases` map other spellings to a choice. */
  oneOf:
    <T extends string>(choices: readonly T[], aliases: Readonly<Record<string, T>> = {}): FlagParser<T> =>
    (text, source) => {
      if ((choices as readonly string[]).includes(text)) return text as T;
      if (Object.hasOwn(aliases, text)) return aliases[text]!;
      throw new FlagError(`${source} must be ${orList(choices)}, got ${JSON.stringify(text)}`);
    },
  /** An http(s) URL. */
  url: ((text, source) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(text);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) throw new FlagError(`${source} must be an http(s) URL, got ${JSON.stringify(text)}`);
    return text;
  }) as FlagParser<string>,
  /**
   * A check that throws on bad input: its error becomes a {@link FlagError}
   * naming the flag, worded as `accepted` (or as the check's own message).
   */
  checked:
    <T>(check: (text: string) => T, accepted?: string): FlagParser<T> =>
    (text, source) => {
      try {
        return check(text);
      } catch (err) {
        throw new FlagError(accepted !== undefined ? `${source} must be ${accepted}, got ${JSON.stringify(text)}` : `${source}: ${(err as Error).message}`);
      }
    },
  /** A non-empty string matching `pattern`, described as `what`. */
  matching:
    (pattern: RegExp, what: string): FlagParser<string> =>
    (text, source) => {
      if (!pattern.test(text)) throw new FlagError(`${source} must be ${what}, got ${JSON.stringify(text)}`);
      return text;
    },
};

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
export function orList(choices: readonly string[]): string {
  const quoted = choices.map((c) => JSON.stringify(c));
  return quoted.length <= 1 ? (quoted[0] ?? "") : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}
