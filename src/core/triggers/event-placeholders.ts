/**
 * `${{ event.<path> }}` placeholders in trigger params: the one expression a trigger's
 * params may hold, filled in from the event when the trigger fires (the webhook's JSON
 * payload, the GitHub push, the registry change, the finished execution, the changed
 * data). Paths are dotted keys and list indexes: `event.head_commit.id`,
 * `event.commits[0].message`. A missing value becomes the empty string; a list or map
 * becomes its JSON text.
 * @module
 */

const PLACEHOLDER = /\$\{\{(.*?)\}\}/g;
const EVENT_PATH = /^\s*event((?:\.[A-Za-z_][\w-]*|\[\d+\])*)\s*$/;

/** A problem in a param value: what is wrong and where in the string. */
export interface PlaceholderProblem {
  readonly message: string;
  readonly offset: number;
}

/** The first placeholder that is not `${{ event.… }}`, or an unclosed `${{`. */
export function checkEventPlaceholders(text: string): PlaceholderProblem | undefined {
  let end = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (!EVENT_PATH.test(match[1] ?? '')) {
      return { message: `only '\${{ event.<path> }}' placeholders are available in trigger params; got '${match[0]}'`, offset: match.index };
    }
    end = match.index + match[0].length;
  }
  const open = text.indexOf('${{', end);
  return open >= 0 ? { message: "'${{' is not closed by '}}'", offset: open } : undefined;
}

/** `template` with each `${{ event.… }}` replaced by its value in `event`. */
export function fillEventPlaceholders(template: string, event: unknown): string {
  return template.replace(PLACEHOLDER, (whole, inner: string) => {
    const path = EVENT_PATH.exec(inner);
    if (path === null) return whole;
    const value = lookup(event, path[1] ?? '');
    if (value === undefined || value === null) return '';
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

function lookup(root: unknown, path: string): unknown {
  let value = root;
  for (const [, key, index] of path.matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]/g)) {
    if (value === null || typeof value !== 'object') return undefined;
    if (key !== undefined) value = Array.isArray(value) ? undefined : (value as Record<string, unknown>)[key];
    else value = Array.isArray(value) ? value[Number(index)] : undefined;
  }
  return value;
}
