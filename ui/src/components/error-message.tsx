import type { ReactNode } from 'react';
import { ApiError } from '../api/api-error.js';

/**
 * An error shown inline where it happened (`role="alert"`, so screen readers announce it),
 * with the server's own message: for a bad filter that message names the offending token.
 */
export function ErrorMessage(props: { error: unknown; id?: string }): ReactNode {
  if (props.error === undefined || props.error === null) return null;
  const { title, message } = describeError(props.error);
  return (
    <div className="error" role="alert" id={props.id}>
      <strong>{title}</strong> {message}
    </div>
  );
}

/** A short title and the message to show for any thrown value. */
export function describeError(error: unknown): { title: string; message: string } {
  if (error instanceof ApiError) {
    if (error.errorCode === 'INVALID_PARAMETER_VALUE' || error.status === 400) return { title: 'Invalid request:', message: error.message };
    if (error.status === 404 || error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return { title: 'Not found:', message: error.message };
    return { title: `Server error (${error.status}):`, message: error.message };
  }
  if (error instanceof Error) return { title: 'Could not reach the server:', message: error.message };
  return { title: 'Error:', message: String(error) };
}
