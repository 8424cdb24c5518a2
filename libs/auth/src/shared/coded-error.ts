/**
 * Base of every error the library throws (ADR 0017). Each class carries its stable code twice,
 * as jose does: `static code` to compare with (`error.code === InvalidTokenError.code`) and
 * `code` on the instance. Codes are `<AREA>_<WHAT>` in upper snake case: `AUTH_` for the
 * receiver, `SERVICE_TOKEN_` for the caller. Setup errors are `<Area>ConfigError` with the code
 * `<AREA>_CONFIG_INVALID` and list every problem in `problems`. Messages never carry a secret,
 * a token or a response body.
 */
export abstract class CodedError<Code extends string = string> extends Error {
  static readonly code: string;
  readonly code: Code;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = (new.target as unknown as { readonly code: Code }).code;
  }
}
