import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { EXPECTED } from './schema-kit.js';
import { PosdConfigSchema, type PosdConfigFile } from './schema.js';

// Weakly held: posd checks its configuration once per start, and the compiled validator (with
// its Ajv) is then garbage rather than a few hundred kilobytes an idle terminal keeps.
let compiled: WeakRef<ValidateFunction> | undefined;

function validator(): ValidateFunction {
  let validate = compiled?.deref();
  if (!validate) {
    // verbose: each error carries the schema and the value it refused, which the messages quote.
    // No meta-schema check of the (fixed) schema, which test/app/config-schema-valid.test.ts
    // does, and no optimising of the generated code, which runs once.
    const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: true, strictTypes: false, validateSchema: false, code: { optimize: false } });
    ajv.addKeyword(EXPECTED);
    validate = ajv.compile(PosdConfigSchema);
    compiled = new WeakRef(validate);
  }
  return validate;
}

/**
 * Checks a parsed posd.json against the schema and fills in its defaults (in `value` itself).
 * Returns the problems as sentences naming the field, the value and what it must be; none when
 * the file is good.
 */
export function validateConfig(value: unknown): { ok: true; config: PosdConfigFile } | { ok: false; problems: string[] } {
  const validate = validator();
  if (validate(value)) return { ok: true, config: value as PosdConfigFile };
  return { ok: false, problems: explain(validate.errors ?? []) };
}

/** One sentence per mistake; the branches of a failed either-or explained by the branch the value was meant for. */
export function explain(errors: readonly ErrorObject[]): string[] {
  const sentences: string[] = [];
  for (const error of outermost(errors)) {
    if (error.keyword === 'anyOf') {
      const inside = errors.filter((e) => e !== error && e.schemaPath.startsWith(`${error.schemaPath}/`));
      // A branch of another type (a string where an object was given) says nothing useful;
      // a mistake inside the branch of the right type does.
      const meant = inside.filter((e) => e.instancePath !== error.instancePath || !['type', 'const', 'anyOf'].includes(e.keyword));
      sentences.push(...(meant.length > 0 ? explain(meant) : [sentence(error)]));
    } else {
      sentences.push(sentence(error));
    }
  }
  return [...new Set(sentences)];
}

/** The errors not inside a failed anyOf's branches. */
function outermost(errors: readonly ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  return errors.filter((e) => !unions.some((u) => u !== e && e.schemaPath.startsWith(`${u.schemaPath}/`)));
}

function field(instancePath: string, key?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (key !== undefined) parts.push(key);
  return parts.join('.');
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

const TYPE_WORDS: Record<string, string> = { object: 'an object { ... }', string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false', array: 'a list [ ... ]' };

function expectedOf(schema: unknown): string | undefined {
  const text = (schema as Record<string, unknown> | undefined)?.[EXPECTED];
  return typeof text === 'string' ? text : undefined;
}

function sentence(error: ErrorObject): string {
  const at = field(error.instancePath);
  const subject = at === '' ? 'the configuration' : at;
  const expected = expectedOf(error.parentSchema);
  const got = `got ${show(error.data)}`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
      const what = expectedOf(properties?.[missing]);
      return `${field(error.instancePath, missing)} is missing${what ? `: it must be ${what}` : ''}`;
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const near = known.find((k) => closeTo(k, extra));
      return `${field(error.instancePath, extra)} is not a setting${near ? ` (did you mean ${near}?)` : ''} (known: ${known.join(', ')})`;
    }
    case 'type':
      return `${subject} must be ${expected ?? TYPE_WORDS[String(params.type)] ?? String(params.type)}, ${got}`;
    case 'anyOf': {
      const consts = ((error.parentSchema as { anyOf?: { const?: unknown }[] } | undefined)?.anyOf ?? []).map((s) => s.const);
      const oneOf = consts.every((c) => c !== undefined) ? `one of ${consts.map((c) => String(c)).join(', ')}` : undefined;
      return `${subject} must be ${expected ?? oneOf ?? 'one of the forms docs/config.md shows'}, ${got}`;
    }
    case 'minLength':
      if (params.limit === 1 && !expected) return `${subject} must not be empty`;
      break;
    default:
      break;
  }
  if (expected) return `${subject} must be ${expected}, ${got}`;
  return `${subject} ${error.message ?? 'is not valid'}, ${got}`;
}

/** A likely typo: same letters ignoring case, or one edit apart. */
function closeTo(known: string, given: string): boolean {
  const a = known.toLowerCase();
  const b = given.toLowerCase();
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const rest = (x: string, skip: number): string => x.slice(i + skip);
  return rest(a, 1) === rest(b, 1) || rest(a, 1) === rest(b, 0) || rest(a, 0) === rest(b, 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a, 2) === rest(b, 2));
}
