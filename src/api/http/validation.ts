import { Ajv, type ErrorObject } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import { ApiError } from './errors.js';

/**
 * Request validation: bodies exactly as sent (no type coercion, unknown members refused, no
 * defaults filled in), query strings, parameters and headers with their text coerced to the
 * schema's numbers. Fastify's own Ajv would drop unknown members silently (removeAdditional).
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  // validateSchema: false spares compiling the JSON Schema meta-schema at every start; the
  // schemas are fixed in the code and test/api/schemas-valid.test.ts checks each against it.
  const strictAjv = new Ajv({ allErrors: false, coerceTypes: false, removeAdditional: false, useDefaults: false, strict: false, validateSchema: false });
  const textAjv = new Ajv({ allErrors: false, coerceTypes: true, removeAdditional: false, useDefaults: false, strict: false, validateSchema: false });
  return ({ schema, httpPart }) => (httpPart === 'body' ? strictAjv : textAjv).compile(schema as object);
}

const PART: Readonly<Record<string, string>> = { body: '', querystring: 'query ', params: 'path ', headers: 'header ' };

/** Fastify's validation failure as the API's error, naming the field (`items[2].quantity`). */
export function validationError(errors: readonly ErrorObject[], context: string | undefined): ApiError {
  const first = errors[0];
  const part = PART[context ?? 'body'] ?? '';
  if (!first) return new ApiError('invalid_request', `the ${part}request is not valid`);
  let field = pathOf(first.instancePath);
  let message: string;
  switch (first.keyword) {
    case 'additionalProperties': {
      const extra = String((first.params as { additionalProperty?: unknown }).additionalProperty);
      field = field ? `${field}.${extra}` : extra;
      message = `${part}${field} is not a member this request takes`;
      break;
    }
    case 'required': {
      const missing = String((first.params as { missingProperty?: unknown }).missingProperty);
      field = field ? `${field}.${missing}` : missing;
      message = `${part}${field} is required`;
      break;
    }
    default:
      message = `${part}${field || '(body)'} ${first.message ?? 'is not valid'}`;
  }
  return new ApiError('invalid_request', message, { field: field || '(body)' });
}

/** `/items/2/quantity` -> `items[2].quantity`. */
function pathOf(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out ? `.${part}` : part;
  }
  return out;
}
