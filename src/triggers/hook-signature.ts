import { createHmac, timingSafeEqual } from 'node:crypto';

/** GitHub's signature header: `sha256=<hex of HMAC-SHA256(secret, raw body)>`. */
export const GITHUB_SIGNATURE_HEADER = 'x-hub-signature-256';
/** Slipway's own header, the same scheme (what Slipway's outgoing webhooks send). */
export const SLIPWAY_SIGNATURE_HEADER = 'x-slipway-signature-256';

/**
 * Whether `header` (`sha256=<hex>`) is the HMAC-SHA256 of the raw `body` bytes under
 * `secret`, compared in constant time (GitHub's scheme:
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
 */
export function verifyHookSignature(secret: string, body: Uint8Array, header: string | undefined): boolean {
  if (header === undefined || !header.startsWith('sha256=')) return false;
  const given = header.slice('sha256='.length);
  if (!/^[0-9a-fA-F]{64}$/.test(given)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

/** `sha256=<hex>` for `body` (what a sender puts in the header). */
export function hookSignature(secret: string, body: Uint8Array | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
