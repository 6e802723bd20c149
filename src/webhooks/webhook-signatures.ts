import { createHmac } from 'node:crypto';

/**
 * The headers of a webhook request and its two signatures, both HMAC-SHA256 with the
 * webhook's secret:
 * - MLflow's: `X-MLflow-Signature: v1,<base64 of HMAC("{delivery id}.{timestamp}.{body}")>`,
 *   with the delivery id and Unix timestamp (seconds) in `X-MLflow-Delivery-Id` and
 *   `X-MLflow-Timestamp`, so MLflow receivers verify Slipway's deliveries unchanged;
 * - GitHub's style: `X-Slipway-Signature-256: sha256=<hex of HMAC(body)>`.
 * Without a secret the request carries neither signature.
 * @module
 */

export const DELIVERY_ID_HEADER = 'X-MLflow-Delivery-Id';
export const TIMESTAMP_HEADER = 'X-MLflow-Timestamp';
export const MLFLOW_SIGNATURE_HEADER = 'X-MLflow-Signature';
export const SLIPWAY_SIGNATURE_HEADER = 'X-Slipway-Signature-256';
export const EVENT_HEADER = 'X-Slipway-Event';

export function mlflowSignature(secret: string, deliveryId: string, timestamp: string, body: string): string {
  return `v1,${createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.${body}`, 'utf8').digest('base64')}`;
}

export function slipwaySignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export interface SignedHeadersInput {
  readonly deliveryId: string;
  readonly event: string;
  readonly body: string;
  readonly secret?: string | undefined;
  /** Unix time in seconds. */
  readonly timestamp: number;
  readonly userAgent: string;
}

export function webhookHeaders(input: SignedHeadersInput): Record<string, string> {
  const timestamp = String(input.timestamp);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': input.userAgent,
    [DELIVERY_ID_HEADER]: input.deliveryId,
    [TIMESTAMP_HEADER]: timestamp,
    [EVENT_HEADER]: input.event,
  };
  if (input.secret) {
    headers[MLFLOW_SIGNATURE_HEADER] = mlflowSignature(input.secret, input.deliveryId, timestamp, input.body);
    headers[SLIPWAY_SIGNATURE_HEADER] = slipwaySignature(input.secret, input.body);
  }
  return headers;
}
