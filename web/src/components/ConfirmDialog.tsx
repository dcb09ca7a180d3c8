/** @jsxRuntime automatic */
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';

export interface ConfirmDialogProps {
  /** What will happen, in a sentence ("Delete 3 runs? …"). */
  title: ReactNode;
  confirmLabel?: string;
  /** A dangerous action gets a red confirm button. */
  danger?: boolean;
  /** With an input: its label and placeholder; `validate` returns a problem to show, or null. */
  input?: { label: string; placeholder?: string; validate?: (value: string) => string | null };
  onConfirm(value: string): void;
  onCancel(): void;
}

/**
 * A modal confirmation in the page's own style (not window.confirm/prompt, which block the page, cannot be styled
 * or tested reliably, and which some browsers suppress): Enter confirms, Escape or the backdrop cancels, and focus
 * starts on the input or the confirm button.
 */
export function ConfirmDialog({ title, confirmLabel = 'Confirm', danger, input, onConfirm, onCancel }: ConfirmDialogProps) {
  const [value, setValue] = useState('');
  const [touched, setTouched] = useState(false);
  const first = useRef<HTMLInputElement & HTMLButtonElement>(null);
  const problem = input?.validate?.(value) ?? null;
  useEffect(() => {
    first.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onCancel();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!problem) onConfirm(value);
  };
  return (
    <div className="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && onCancel()}>
      <form className="dialog" role="dialog" aria-modal="true" aria-label="confirm" onSubmit={submit}>
        <p>{title}</p>
        {input && (
          <label className="dialog-input">
            {input.label}
            <input ref={first} value={value} placeholder={input.placeholder} aria-invalid={touched && problem !== null} onChange={(e) => setValue(e.target.value)} />
            {touched && problem && <span className="error-text" role="alert">{problem}</span>}
          </label>
        )}
        <div className="toolbar">
          <button ref={input ? undefined : first} type="submit" className={danger ? 'danger' : 'primary'}>
            {confirmLabel}
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
