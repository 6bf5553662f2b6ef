import { mutedText } from '../../lib/ui'

/** What occlusion measures, and why it is not the same as looking at attention weights. */
export function InfluenceExplainer() {
  return (
    <div className={`mt-1 space-y-2 text-sm ${mutedText}`} data-testid="influence-explainer">
      <p>
        What was the model looking at? We ask it directly: take one earlier token out of the text,
        read the rest again, and see how the probability of the selected token moves. Do that for
        each earlier token in turn, and the tokens whose removal moves it most are the ones the
        prediction leaned on. This is called <b>occlusion</b>.
      </p>
      <details>
        <summary className="cursor-pointer text-slate-700 dark:text-slate-300">
          How is this different from attention weights?
        </summary>
        <p className="mt-1">
          Attention weights say how much each head in each layer mixes in from every earlier
          position. A model has many heads and layers, a high weight can carry little that changes
          the answer, and information passes through other tokens on its way. Occlusion ignores the
          inside of the model and measures the effect on the output itself, so it works on any GGUF.
          Its limits: it changes one token at a time (two tokens that each say the same thing can
          hide each other), and a text with a hole in it is one the model may never have seen, which
          can move the probability by itself.
        </p>
        <p className="mt-1">
          The cost: one evaluation of the text as it is, then one per removed token. Removing a
          token changes nothing before it, so each evaluation reuses the part of the text already in
          the cache and reads only what follows the hole; that is why the window is yours to cap.
        </p>
      </details>
    </div>
  )
}
