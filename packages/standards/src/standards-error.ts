/**
 * Base class of every error this package throws. `code` is stable and safe to switch on, publish and count;
 * `message` is for people and may change.
 */
export class StandardsError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}
