import { useMemo } from 'react'
import type { TokenText } from '../../../shared/contract'
import { useStore } from '../hooks/useStore'
import { ghostButton, mutedText } from '../lib/ui'
import { whyCannotStart } from '../stores/engine-reducer'
import {
  promptScoresFor,
  promptScoreStore,
  scorePrompt,
  type PromptScoreState,
} from '../stores/prompt-score'
import { engineStore } from '../stores/stores'
import type { Chunks } from '../stores/token-chunks'
import { lossOf } from '../views/learn/score-stats'
import type { PromptScores } from './TokenStream'

/** The scores of the prompt on screen, when it has been scored and its tokens match. */
export function usePromptScores(promptText: string, prompt: Chunks<TokenText>) {
  const state = useStore(promptScoreStore, (s) => s)
  const scores = useMemo(
    () =>
      promptScoresFor(
        state,
        promptText,
        prompt.flat().map((token) => token.id),
      ),
    [state, promptText, prompt],
  )
  return { state, scores }
}

export interface PromptScoreBarProps {
  promptText: string
  state: PromptScoreState
  /** The scores of this prompt, when they match its tokens. */
  scores: PromptScores | null
}

/**
 * Scores Completion's prompt on request: one teacher-forced pass, after which each prompt chip
 * is tinted like a generated one, and the prompt's loss and perplexity are shown here.
 */
export function PromptScoreBar({ promptText, state, scores }: PromptScoreBarProps) {
  const disabledReason = useStore(engineStore, (s) => whyCannotStart(s, 'score'))
  const mine = state.promptText === promptText
  if (mine && state.phase === 'scoring') {
    return (
      <span role="status" data-testid="prompt-score-status" className={`text-xs ${mutedText}`}>
        Scoring the prompt…
      </span>
    )
  }
  if (scores) {
    const loss = lossOf(scores.filter((token) => token !== undefined))
    if (loss) {
      return (
        <span
          data-testid="prompt-score-summary"
          data-perplexity={loss.perplexity}
          className={`text-xs tabular-nums ${mutedText}`}
          title="The prompt read by the model: each token after the first got the probability shown on its chip. Loss is the mean −ln p; perplexity is e to the loss."
        >
          Prompt: loss {loss.meanNats.toFixed(2)} nats · perplexity {loss.perplexity.toFixed(1)} (
          {loss.count} tokens scored)
        </span>
      )
    }
  }
  return (
    <span className="flex items-center gap-2">
      {mine && state.phase === 'failed' && state.error && (
        <span
          role="alert"
          data-testid="prompt-score-error"
          className="text-xs text-red-700 dark:text-red-300"
        >
          {state.error.message}
        </span>
      )}
      <button
        type="button"
        data-testid="score-prompt"
        className={`${ghostButton} text-xs`}
        disabled={disabledReason !== null}
        title={
          disabledReason ??
          'Read the prompt with the model and tint its tokens by the probability each got'
        }
        onClick={() => scorePrompt(promptText)}
      >
        Score the prompt
      </button>
    </span>
  )
}
