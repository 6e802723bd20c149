import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { ParamSpec, ParamValue } from '../api/pipelines-client.js';
import { ErrorMessage } from './error-message.js';

/** A form field's text for a param: its default, or empty. */
export function initialValues(params: Readonly<Record<string, ParamSpec>>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([name, spec]) => [name, spec.default === undefined ? '' : String(spec.default)]));
}

/**
 * The typed params from the form's texts, or the problems by param name. Empty fields of
 * params with a default are left out (the server fills the default in); required ones are
 * a problem. Ints must be whole numbers, floats finite numbers, choices one of the options.
 */
export function typedParams(
  params: Readonly<Record<string, ParamSpec>>,
  values: Readonly<Record<string, string>>,
): { params: Record<string, ParamValue>; problems: Record<string, string> } {
  const out: Record<string, ParamValue> = {};
  const problems: Record<string, string> = {};
  for (const [name, spec] of Object.entries(params)) {
    const text = (values[name] ?? '').trim();
    if (spec.type === 'bool') {
      out[name] = text === 'true';
      continue;
    }
    if (text === '') {
      if (spec.default === undefined) problems[name] = 'Required.';
      continue;
    }
    if (spec.type === 'int') {
      if (!/^[-+]?\d+$/.test(text)) problems[name] = 'Must be a whole number.';
      else out[name] = Number(text);
    } else if (spec.type === 'float') {
      const n = Number(text);
      if (!Number.isFinite(n)) problems[name] = 'Must be a number.';
      else out[name] = n;
    } else if (spec.type === 'choice') {
      if (spec.options !== undefined && !spec.options.includes(text)) problems[name] = `Must be one of ${spec.options.join(', ')}.`;
      else out[name] = text;
    } else {
      out[name] = values[name] ?? '';
    }
  }
  return { params: out, problems };
}

/**
 * The "run" form of a pipeline version, generated from its typed params: a number field for
 * `int`/`float`, a checkbox for `bool`, a select for `choice`, text otherwise; each with its
 * description and default. Problems are shown next to their field before anything is sent;
 * the server's answer (a 400 naming the param) shows inline.
 */
export function RunForm(props: {
  params: Readonly<Record<string, ParamSpec>>;
  onRun: (params: Record<string, ParamValue>) => Promise<void>;
  label: string;
}): ReactNode {
  const id = useId();
  const [values, setValues] = useState(() => initialValues(props.params));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const names = Object.keys(props.params);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const typed = typedParams(props.params, values);
    setProblems(typed.problems);
    setError(undefined);
    if (Object.keys(typed.problems).length > 0) return;
    setBusy(true);
    try {
      await props.onRun(typed.params);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const set = (name: string, value: string): void => setValues((v) => ({ ...v, [name]: value }));

  return (
    <form className="run-form" aria-label={props.label} onSubmit={(e) => void submit(e)} noValidate>
      {names.length === 0 && <p className="muted">This pipeline takes no params.</p>}
      {names.map((name) => {
        const spec = props.params[name]!;
        const field = `${id}-${name}`;
        const problem = problems[name];
        const hint = [spec.type, spec.default === undefined ? 'required' : `default ${String(spec.default)}`, spec.description].filter((x) => x !== undefined && x !== '').join(' · ');
        const common = { id: field, 'aria-invalid': problem !== undefined, 'aria-describedby': `${field}-hint${problem !== undefined ? ` ${field}-problem` : ''}` };
        return (
          <div className="param-field" key={name}>
            {spec.type === 'bool' ? (
              <label className="check" htmlFor={field}>
                <input type="checkbox" {...common} checked={values[name] === 'true'} onChange={(e) => set(name, e.target.checked ? 'true' : 'false')} /> {name}
              </label>
            ) : (
              <label htmlFor={field}>{name}</label>
            )}
            {spec.type === 'choice' ? (
              <select {...common} value={values[name]} onChange={(e) => set(name, e.target.value)}>
                {spec.default === undefined && <option value="">Choose…</option>}
                {(spec.options ?? []).map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : spec.type === 'bool' ? null : (
              <input
                {...common}
                type={spec.type === 'int' || spec.type === 'float' ? 'number' : 'text'}
                step={spec.type === 'int' ? 1 : spec.type === 'float' ? 'any' : undefined}
                required={spec.default === undefined}
                value={values[name]}
                onChange={(e) => set(name, e.target.value)}
              />
            )}
            <span id={`${field}-hint`} className="muted param-hint">
              {hint}
            </span>
            {problem !== undefined && (
              <span id={`${field}-problem`} className="field-problem" role="alert">
                {problem}
              </span>
            )}
          </div>
        );
      })}
      <div className="toolbar">
        <button type="submit" disabled={busy}>
          {busy ? 'Starting…' : 'Run'}
        </button>
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}
