import { mutedText } from '../lib/ui'

/** The inspector's place before a token is picked: a line on what it will show. */
export function InspectorPlaceholder() {
  return (
    <div
      data-testid="inspector-placeholder"
      className={`px-4 py-3 text-xs leading-relaxed ${mutedText}`}
    >
      <p className="text-sm font-medium text-slate-700 dark:text-slate-200">Inspect a token</p>
      <p className="mt-1">
        Click a token to see its ID and bytes, the model’s and the sampler’s probability, the
        alternatives it beat and the Sampling Lab for that step; ←/→ step through the tokens.
      </p>
    </div>
  )
}
