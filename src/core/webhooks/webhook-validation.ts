import { SlipwayError } from '../errors/slipway-error.js';
import { validateLength } from '../tracking/validation.js';

/** Limits of webhook fields: MLflow's column sizes, and its name rule. */
export const WEBHOOK_LIMITS = {
  nameLength: 63,
  descriptionLength: 1_000,
  urlLength: 500,
  secretLength: 1_000,
  listDefault: 100,
  listMax: 1_000,
  deliveriesDefault: 100,
  deliveriesMax: 1_000,
} as const;

/** Letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit (MLflow's rule). */
const NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export function validateWebhookName(name: string, field = 'name'): void {
  if (name.length > WEBHOOK_LIMITS.nameLength || !NAME_PATTERN.test(name)) {
    throw SlipwayError.invalidParameter(
      `Invalid value '${name.slice(0, 80)}' for parameter '${field}': a webhook name is 1 to ${WEBHOOK_LIMITS.nameLength} letters, ` +
        'digits, dots (.), underscores (_) and hyphens (-), starting and ending with a letter or digit.',
    );
  }
}

/**
 * An absolute `http:` or `https:` URL with a host. Private and loopback addresses are
 * allowed: Slipway is self-hosted, and receivers often run next to it.
 */
export function validateWebhookUrl(url: string, field = 'url'): void {
  validateLength(url, WEBHOOK_LIMITS.urlLength, field);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw SlipwayError.invalidParameter(`Invalid value '${url}' for parameter '${field}': not an absolute URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw SlipwayError.invalidParameter(
      `Invalid value '${url}' for parameter '${field}': the scheme must be http or https, not '${parsed.protocol.slice(0, -1)}'.`,
    );
  }
  if (parsed.hostname === '') throw SlipwayError.invalidParameter(`Invalid value '${url}' for parameter '${field}': the URL has no host.`);
}

export function validateWebhookDescription(description: string, field = 'description'): void {
  validateLength(description, WEBHOOK_LIMITS.descriptionLength, field);
}

export function validateWebhookSecret(secret: string, field = 'secret'): void {
  validateLength(secret, WEBHOOK_LIMITS.secretLength, field);
}
