import { ApiError } from './errors.js';

/** How deep a request body may nest (the deepest schema is three levels: body, items, item). */
export const MAX_BODY_DEPTH = 8;
/** Members and elements in one body, all levels together. */
export const MAX_BODY_NODES = 4096;

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Refuses a parsed JSON body that no schema of this API could want, before the schemas see it:
 * nesting deeper than MAX_BODY_DEPTH, more than MAX_BODY_NODES values, or text with a lone UTF-16
 * surrogate (JSON allows `"\ud800"`; it is no character and nothing downstream could print or
 * sign it). Iterative and bounded: the work is at most the size of the body, which the body limit bounds.
 */
export function checkJsonBody(body: unknown): void {
  if (body === undefined || body === null || typeof body !== 'object') {
    if (typeof body === 'string' && LONE_SURROGATE.test(body)) throw new ApiError('bad_json', 'the body holds a lone surrogate (not a character)', { field: '(body)' });
    return;
  }
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 1 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (++nodes > MAX_BODY_NODES) throw new ApiError('bad_json', `the body has more than ${MAX_BODY_NODES} values`);
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) throw new ApiError('bad_json', `${path || '(body)'} holds a lone surrogate (not a character)`, { field: path || '(body)' });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_BODY_DEPTH) throw new ApiError('bad_json', `${path || '(body)'} nests deeper than ${MAX_BODY_DEPTH} levels`, { field: path || '(body)' });
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(value)) {
      const at = path ? `${path}.${key}` : key;
      if (LONE_SURROGATE.test(key)) throw new ApiError('bad_json', 'a member name holds a lone surrogate (not a character)', { field: path || '(body)' });
      stack.push({ value: (value as Record<string, unknown>)[key], path: at, depth: depth + 1 });
    }
  }
}
