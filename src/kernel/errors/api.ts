/**
 * @module errors/api
 * The catalogue of request errors (invalid requests, authentication,
 * idempotency, API errors); messages follow Stripe's recorded wording.
 */
import { StripeError, defineErrors, docUrl, invalidRequest, maskKey } from "./error.js";

const SUPPORT = "Please see https://stripe.com/docs or we can help at https://support.stripe.com/.";

/**
 * The catalogue of request errors, one builder per stable id. Tests walk this
 * table through the SDK; ids are never reused for another meaning.
 */
export const Errors = defineErrors({
  parameterUnknown: (param: string) => invalidRequest(400, `Received unknown parameter: ${param}`, { code: "parameter_unknown", param }),
  parameterMissing: (param: string) => invalidRequest(400, `Missing required param: ${param}.`, { code: "parameter_missing", param }),
  parameterInvalidInteger: (param: string, value: unknown) =>
    invalidRequest(400, `Invalid integer: ${display(value)}`, { code: "parameter_invalid_integer", param }),
  parameterInvalidEmpty: (param: string) =>
    invalidRequest(
      400,
      `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
      { code: "parameter_invalid_empty", param },
    ),
  parameterInvalidString: (param: string, value: unknown) =>
    invalidRequest(400, `Invalid string: ${display(value)}`, { code: "parameter_invalid_string", param }),
  parameterInvalidBoolean: (param: string, value: unknown) => invalidRequest(400, `Invalid boolean: ${display(value)}`, { param }),
  parameterInvalidDecimal: (param: string, value: unknown) => invalidRequest(400, `Invalid decimal: ${display(value)}`, { param }),
  parameterInvalidEnum: (param: string, allowed: readonly string[]) =>
    invalidRequest(400, `Invalid ${param}: must be one of ${oneOf(allowed)}`, { param }),
  parameterInvalidHash: (param: string) => invalidRequest(400, `Invalid object`, { param }),
  parameterInvalidArray: (param: string) => invalidRequest(400, `Invalid array`, { param }),
  arrayKeysNotSequential: (param: string, keys: readonly string[], expected: number) =>
    invalidRequest(
      400,
      `If passing an array with explicit keys (e.g. foo[0]=a&foo[1]=b) instead of as an array (e.g. foo[]=a&foo[]=b), the keys must be numeric and sequential starting from 0. You passed the keys \`${keys.join(", ")}\`, we expected to have a key with the value \`${expected}\`.`,
      { param },
    ),
  /** A parameter Stripe accepts that paper-tiger does not model yet: refused rather than ignored. */
  parameterNotImplemented: (param: string) =>
    invalidRequest(400, `paper-tiger does not implement the parameter ${param} yet (Stripe accepts it). Leave it out of the request.`, { param }),
  /** A rule of several parameters (kernel rules): none of them given. */
  oneOfRequired: (names: readonly string[]) =>
    invalidRequest(400, `One of the following parameters is required: ${names.join(", ")}.`, { code: "parameter_missing", param: names[0] ?? "" }),
  /** A rule of several parameters (kernel rules): given where another parameter does not allow it. */
  parameterNotAllowed: (param: string, when: Readonly<Record<string, unknown>>) =>
    invalidRequest(400, `${param} can only be set when ${conditionText(when)}.`, { param }),
  /** A value of a parameter Stripe accepts that paper-tiger does not model yet (`owner[type]=account`: no connected accounts). */
  valueNotImplemented: (param: string, value: string) =>
    invalidRequest(400, `paper-tiger does not implement ${param}=${value} yet (Stripe accepts it). Use another value or leave the parameter out.`, { param }),
  /** A tax ID whose value is not in its type's format (Stripe's docs, tax calculations: "Invalid value for eu_vat."). */
  taxIdInvalid: (type: string, param: string) => invalidRequest(400, `Invalid value for ${type}.`, { code: "tax_id_invalid", param }),
  /** Prices and shipping rates: `tax_behavior` is set once, from `unspecified`. */
  taxBehaviorFixed: () => invalidRequest(400, "tax_behavior cannot be changed once it is set to inclusive or exclusive.", { param: "tax_behavior" }),
  /** An array longer than the parameter allows. */
  arrayTooLong: (param: string, max: number) => invalidRequest(400, `Invalid ${param}: must contain at most ${max} items`, { param }),
  parameterTooLong: (param: string, max: number) => invalidRequest(400, `Invalid ${param}: must be at most ${max} characters`, { param }),
  parametersExclusive: (a: string, b: string) =>
    invalidRequest(400, `You may only specify one of these parameters: ${a}, ${b}.`, { code: "parameters_exclusive", param: a }),
  integerOutOfRange: (param: string, min: number | undefined, max: number | undefined) =>
    invalidRequest(
      400,
      min !== undefined && max !== undefined
        ? `Invalid ${param}: must be between ${min} and ${max}`
        : min !== undefined
          ? `Invalid ${param}: must be greater than or equal to ${min}`
          : `Invalid ${param}: must be less than or equal to ${max}`,
      { param },
    ),
  resourceMissing: (noun: string, id: string, param = "id", status = 404) =>
    invalidRequest(status, `No such ${noun}: '${id}'`, { code: "resource_missing", param }),
  unrecognizedUrl: (method: string, path: string) =>
    invalidRequest(
      404,
      `Unrecognized request URL (${method}: ${path}). ${path.endsWith("/") ? "If you are trying to list objects, remove the trailing slash. If you are trying to retrieve an object, make sure you passed a valid (non-empty) identifier in your code. " : ""}${SUPPORT}`,
    ),
  /**
   * A Stripe operation paper-tiger does not serve yet: Stripe's 404 shape,
   * saying so instead of claiming the URL does not exist.
   */
  operationNotImplemented: (method: string, path: string, sdk: string) =>
    invalidRequest(
      404,
      `paper-tiger does not implement ${method} ${path}${sdk ? ` (stripe.${sdk})` : ""} yet; GET /_meta/coverage lists what it implements.`,
    ),
  /** `instead`: the path that would work (a list path given without `data.`). */
  cannotExpand: (path: string, instead?: string) =>
    invalidRequest(400, `This property cannot be expanded (${path}).${instead ? ` You may want to try expanding '${instead}' instead` : ""}`, { param: "expand" }),
  expandTooDeep: (path: string) =>
    invalidRequest(400, `You cannot expand more than 4 levels of a property. Property: ${path}`, { param: "expand" }),
  invalidSearchQuery: (message: string, param = "query") => invalidRequest(400, message, { param }),
  metadataTooManyKeys: () => invalidRequest(400, "Invalid metadata: metadata cannot have more than 50 keys", { param: "metadata" }),
  metadataKeyTooLong: (key: string) =>
    invalidRequest(400, `Invalid metadata: metadata keys must be at most 40 characters long (got key '${key}')`, { param: `metadata[${key}]` }),
  metadataKeyInvalid: (key: string) =>
    invalidRequest(400, `Invalid metadata: metadata keys cannot contain '[' or ']' (got key '${key}')`, { param: "metadata" }),
  metadataValueTooLong: (key: string) =>
    invalidRequest(400, `Invalid metadata: metadata values must be at most 500 characters long`, { param: `metadata[${key}]` }),
  metadataValueInvalid: (key: string) => invalidRequest(400, `Invalid metadata: metadata values must be strings`, { param: `metadata[${key}]` }),
  invalidStripeVersion: (version: string) =>
    invalidRequest(
      400,
      `Invalid Stripe API version: ${version}. You can find the list of Stripe API versions at https://docs.stripe.com/upgrades#api-versions.`,
    ),
  invalidNamespace: (value: string, max = 128) =>
    invalidRequest(
      400,
      `Invalid X-Paper-Tiger-Namespace header: '${value.slice(0, 80)}'. Use 1 to ${max} characters from A-Z, a-z, 0-9, '_', '-', '.' and ':'.`,
    ),
  malformedBody: (detail: string) => invalidRequest(400, `Invalid request body: ${detail}`),
  malformedUrl: (path: string) =>
    invalidRequest(400, `Invalid request URL: ${path} is not valid percent-encoding (each % starts two hex digits, and the bytes must be UTF-8).`),
  malformedHttp: (detail: string) =>
    invalidRequest(400, `Malformed HTTP request (${detail}). paper-tiger speaks HTTP/1.1, as Stripe's SDKs send it.`),
  headersTooLarge: (limit: number) =>
    invalidRequest(431, `Request line and headers too large: paper-tiger accepts at most ${limit} bytes of them (a long query string counts).`),
  expectationFailed: (value: string) =>
    invalidRequest(417, `Unsupported Expect header: '${value.slice(0, 80)}'. paper-tiger (like most HTTP servers) supports only Expect: 100-continue; leave the header out.`),
  requestTimeout: (requestMs: number, headersMs: number) =>
    invalidRequest(
      408,
      `The request took too long to arrive: paper-tiger waits at most ${headersMs} ms for the request line and headers and ${requestMs} ms for a whole request. Send it in one go, or raise the timeouts.`,
    ),
  bodyTooLarge: (limit: number) => invalidRequest(413, `Request body too large: paper-tiger accepts at most ${limit} bytes.`),
  unsupportedMediaType: (type: string) =>
    invalidRequest(415, `Unsupported Content-Type: ${type}. Send application/x-www-form-urlencoded (as Stripe's SDKs do) or application/json.`),
  noApiKey: () =>
    invalidRequest(
      401,
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    ),
  invalidApiKey: (key: string) => invalidRequest(401, `Invalid API Key provided: ${maskKey(key)}`),
  liveApiKey: (key: string) =>
    invalidRequest(
      401,
      `Live mode API key provided: ${maskKey(key)}. paper-tiger is a mock of Stripe and only accepts test-mode keys (sk_test_..., rk_test_..., or pk_test_... where Stripe takes publishable keys); a live key here means something is misconfigured. Use a test key.`,
    ),
  publishableApiKey: () =>
    invalidRequest(
      401,
      "This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.",
    ),
  // Stripe's answer to a client_secret of another object (its code is `<object>_invalid_parameter`).
  clientSecretMismatch: (object: string, noun: string) =>
    invalidRequest(400, `The client_secret provided does not match the client_secret associated with the ${noun}.`, {
      code: `${object}_invalid_parameter`,
      param: "client_secret",
    }),
  malformedAuthorization: () =>
    invalidRequest(
      401,
      "Invalid Authorization header. Use Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY') or Basic auth with the key as the user name. See https://stripe.com/docs/api#authentication for details.",
    ),
  idempotencyKeyTooLong: () => invalidRequest(400, "Idempotency keys must be at most 255 characters long.", { param: "Idempotency-Key" }),
  idempotencyMismatch: (key: string) =>
    new StripeError(400, {
      type: "idempotency_error",
      message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
    }),
  idempotencyOtherEndpoint: (key: string, firstEndpoint: string) =>
    new StripeError(400, {
      type: "idempotency_error",
      message: `Keys for idempotent requests can only be used for the same endpoint they were first used for (${firstEndpoint}). Try using a key other than '${key}' if you meant to execute a different request.`,
    }),
  idempotencyInFlight: (key: string) =>
    new StripeError(409, {
      type: "idempotency_error",
      code: "idempotency_key_in_use",
      doc_url: docUrl("idempotency_key_in_use"),
      message: `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
    }),
  internal: () =>
    new StripeError(500, {
      type: "api_error",
      message: "An unknown error occurred",
    }),
});

/** A stable error id from {@link Errors}. */
export type ErrorId = keyof typeof Errors;

function display(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function conditionText(when: Readonly<Record<string, unknown>>): string {
  return Object.entries(when)
    .map(([name, v]) => `${name} is ${(Array.isArray(v) ? v : [v]).filter((x) => x !== undefined).map(String).join(" or ")}`)
    .join(" and ");
}

function oneOf(values: readonly string[]): string {
  if (values.length <= 1) return values.join("");
  return `${values.slice(0, -1).join(", ")}, or ${values[values.length - 1]}`;
}
