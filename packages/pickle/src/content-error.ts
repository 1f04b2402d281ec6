/**
 * Thrown by the unpickling handlers and table shaping when a pickle's *content* is something hitcast cannot
 * represent exactly. The entry point turns it into a HitcastError that names the file.
 */
export class PickleContentError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'PickleContentError';
  }
}
