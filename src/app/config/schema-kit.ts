import { Type, type ObjectOptions, type TObject, type TProperties } from '@sinclair/typebox';

/**
 * The annotation a config error quotes for a value the schema refuses: "<field> must be <expected>,
 * got <value>". JSON Schema tools ignore it; the validator registers it as an annotation keyword.
 */
export const EXPECTED = 'x-expected';

/** Every setting is documented: the description is what docs/config.md and editors show. */
export interface Documented {
  description: string;
  [EXPECTED]?: string;
}

/** A config section: an object whose every property is described and that takes no other keys. */
export function section<T extends TProperties>(properties: T, options: ObjectOptions & Documented): TObject<T> {
  return Type.Object(properties, { ...options, additionalProperties: false });
}
