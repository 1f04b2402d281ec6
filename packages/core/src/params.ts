import { readFileSync } from 'node:fs';
import { HitcastError } from './errors.ts';

/**
 * Reads a stage's params.json. Each stage keeps its parameters in one small file so that Nx
 * re-runs that stage (and what depends on it) when, and only when, they change.
 * `defaults` fills keys the file leaves out; unknown keys are refused so a typo cannot go unnoticed.
 */
export function readParams<T extends object>(file: string, defaults: T): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HitcastError(`cannot read parameters file ${file} (${(error as NodeJS.ErrnoException).code})`, {
      fix: 'check the path given to --params',
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HitcastError(`${file} is not valid JSON: ${(error as Error).message}`, { fix: 'correct the JSON syntax' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HitcastError(`${file} must hold a JSON object of parameters, not ${shown(parsed)}`, {
      fix: 'write the parameters as one JSON object, e.g. {"seed": 42}',
    });
  }
  const known = new Set(Object.keys(defaults));
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key.startsWith('$')) continue; // "$comment" and the like: documentation, not parameters
    if (!known.has(key)) {
      throw new HitcastError(`${file}: unknown parameter "${key}"`, {
        fix: `known parameters are: ${[...known].join(', ')}`,
      });
    }
    const expected = typeof (defaults as Record<string, unknown>)[key];
    if (typeof value !== expected) {
      throw new HitcastError(`${file}: parameter "${key}" must be a ${expected}, got ${shown(value)}`, {
        fix: `give "${key}" a ${expected}, like its default ${shown((defaults as Record<string, unknown>)[key])}`,
      });
    }
    values[key] = value;
  }
  return { ...defaults, ...(values as Partial<T>) };
}

/** A value as error messages show it: JSON, cut short (a value nested too deep to print is described instead). */
function shown(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) return Array.isArray(value) ? 'a deeply nested array' : `a deeply nested ${typeof value}`;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
