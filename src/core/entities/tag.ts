/** A key/value pair: run, experiment, logged-model and input tags and params share this shape. */
export interface Tag {
  readonly key: string;
  readonly value: string;
}
