/**
 * @module file-body
 * An answer that is a file rather than JSON (a quote's PDF): the HTTP layer sends its bytes with
 * its content type instead of serializing it.
 */
export class FileBody {
  constructor(
    readonly contentType: string,
    readonly bytes: Uint8Array,
  ) {}
}
