/**
 * @module connection
 * The flags that say which running server a client command talks to, shared
 * by `listen` and `trigger`.
 */
import { DEFAULT_HOST, DEFAULT_PORT } from "../server/address.js";
import { checkNamespace, HEADER_MAX } from "../kernel/namespace.js";
import { parsers, type Flag } from "./flags.js";
import type { ApiTarget } from "./api-client.js";

export const DEFAULT_URL = `http://${DEFAULT_HOST}:${DEFAULT_PORT}`;
export const DEFAULT_API_KEY = "sk_test_123";

/** `--url`, `--api-key`, `--namespace`. */
export const CONNECTION_FLAGS: readonly Flag[] = [
  { name: "url", value: "<url>", default: DEFAULT_URL, help: "Base URL of the running paper-tiger server", parse: parsers.url },
  {
    name: "api-key",
    value: "<key>",
    default: DEFAULT_API_KEY,
    help: "Test API key of the requests (with --namespace-by api-key it is also the namespace)",
    parse: parsers.matching(/^(sk|rk)_test_\w+$/, "a test key (sk_test_... or rk_test_...)"),
  },
  {
    name: "namespace",
    value: "<name>",
    default: "none",
    help: "Namespace of the requests (the X-Paper-Tiger-Namespace header); none: the server's default",
    parse: parsers.checked((text) => checkNamespace(text, HEADER_MAX), `1 to ${HEADER_MAX} letters, digits, _ . : or -`),
  },
];

/** The server, key and namespace the parsed connection flags name. */
export function targetOf(values: Readonly<Record<string, unknown>>): ApiTarget {
  return {
    url: (values.url as string | undefined) ?? DEFAULT_URL,
    apiKey: (values["api-key"] as string | undefined) ?? DEFAULT_API_KEY,
    namespace: values.namespace as string | undefined,
  };
}

/** `--help` for a client command. */
export const HELP_FLAG: Flag = { name: "help", short: "h", env: null, default: "off", help: "Print this help and exit" };
