import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error.js';
import { ErrorMessage, describeError } from './error-message.js';

describe('ErrorMessage', () => {
  it("shows the server's 400 message inline as an alert", () => {
    const body = JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid filter 'metrics.rmse <': expected a value" });
    const html = renderToStaticMarkup(<ErrorMessage error={ApiError.fromBody(400, 'Bad Request', body)} id="e" />);
    expect(html).toBe(
      '<div class="error" role="alert" id="e"><strong>Invalid request:</strong> Invalid filter &#x27;metrics.rmse &lt;&#x27;: expected a value</div>',
    );
  });

  it('renders nothing without an error', () => {
    expect(renderToStaticMarkup(<ErrorMessage error={undefined} />)).toBe('');
  });

  it('falls back to the status line when the body is not an MLflow envelope', () => {
    const e = ApiError.fromBody(502, 'Bad Gateway', '<html>proxy</html>');
    expect(e.errorCode).toBeUndefined();
    expect(describeError(e)).toEqual({ title: 'Server error (502):', message: '502 Bad Gateway' });
    expect(describeError(new TypeError('Failed to fetch'))).toEqual({ title: 'Could not reach the server:', message: 'Failed to fetch' });
  });
});
