import type { EmbeddingPooling } from '../../../../shared/learn'
import { useStore } from '../../hooks/useStore'
import { formatCount } from '../../lib/format'
import { card, cardTitle, mutedText } from '../../lib/ui'
import { engineStore } from '../../stores/stores'
import type { EmbeddingsState } from './embeddings-store'

const howPooled: Record<EmbeddingPooling, string> = {
  'last-token':
    'has no pooling of its own, so a line’s vector is the model’s final state after the line’s last token: the numbers it would predict the next token from. An embedding model is trained to make that a summary of the whole line; for a chat model it also reflects what could come next.',
  mean: 'is an embedding model that averages the vectors of all the line’s tokens.',
  cls: 'is an embedding model that takes the vector of the line’s first (CLS) token.',
}

/** The idea behind the view, in a few sentences, and how this model's vectors were made. */
export function EmbeddingsAbout({ state }: { state: EmbeddingsState }) {
  const isDemo = useStore(engineStore, (s) => s.status?.model?.isDemo ?? false)
  return (
    <section className={`${card} p-4 text-sm leading-6`} aria-labelledby="embeddings-about-title">
      <h2 id="embeddings-about-title" className={cardTitle}>
        Similar meanings land near each other
      </h2>
      <div className="mt-2 grid gap-x-6 gap-y-2 lg:grid-cols-2">
        <p>
          Inside the model, every piece of text becomes a vector: a list of numbers, one per
          dimension of its hidden state. Nobody assigns these numbers; training does. Words that are
          used in the same places, followed and preceded by the same kind of words, must lead to the
          same predictions, so the model learns to give them vectors pointing the same way. That is
          why <i>cat</i> ends up closer to <i>dog</i> than to <i>bus</i>.
        </p>
        <p>
          <b>Cosine similarity</b> is the cosine of the angle between two vectors: 1 when they point
          the same way, 0 when they are unrelated (at right angles), −1 when opposite. It ignores
          their length. The <b>map</b> squeezes the vectors onto the two directions along which this
          list varies most (principal component analysis); its percentage says how much of the
          spread survives the squeeze.
        </p>
        <p className={mutedText}>
          Language models’ vectors share a large common part, so raw similarities are often all
          close to 1 and only their differences matter: the tint spans this list’s own range, and
          “Subtract the list’s average vector” compares only what differs.
        </p>
        {state.pooling && state.modelName && (
          <p className={mutedText} data-testid="embeddings-how">
            <b>{state.modelName}</b> {howPooled[state.pooling]}
            {state.dimensions !== null &&
              ` Each vector has ${formatCount(state.dimensions)} numbers (the model’s d_model).`}
          </p>
        )}
        {isDemo && (
          <p className={mutedText}>
            The demo model only looks at the previous token and was trained on a few pages about
            language models, so a line’s vector depends on its last token alone and words it never
            saw share one vector. Load a real model to see meanings group together.
          </p>
        )}
      </div>
    </section>
  )
}
