import { useId, type ReactNode, type RefObject } from 'react'
import { secondaryButton } from '../../lib/ui'
import { textInput } from './models-ui'

export interface SubmitFieldProps {
  label: string
  placeholder: string
  value: string
  onChange: (value: string) => void
  /** Called with the trimmed value; the button is disabled while there is none. */
  onSubmit: (value: string) => void
  buttonLabel: string
  inputTestId: string
  buttonTestId: string
  inputRef?: RefObject<HTMLInputElement | null>
  /** Shown under the field, inside the form. */
  children?: ReactNode
}

/** A labelled one-line field for a path or address, with the button that acts on it. */
export function SubmitField({
  label,
  placeholder,
  value,
  onChange,
  onSubmit,
  buttonLabel,
  inputTestId,
  buttonTestId,
  inputRef,
  children,
}: SubmitFieldProps) {
  const id = useId()
  const trimmed = value.trim()
  return (
    <form
      className="flex flex-col gap-2"
      onSubmit={(event) => {
        event.preventDefault()
        if (trimmed !== '') onSubmit(trimmed)
      }}
    >
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <div className="flex gap-2">
        <input
          ref={inputRef}
          id={id}
          data-testid={inputTestId}
          className={`${textInput} font-mono text-[13px]`}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
        <button
          type="submit"
          data-testid={buttonTestId}
          className={secondaryButton}
          disabled={trimmed === ''}
        >
          {buttonLabel}
        </button>
      </div>
      {children}
    </form>
  )
}
