import { z } from 'zod'
import type { GeneratedToken, TokenText } from './contract'
import type { SamplingSettings } from './schemas'
import type { CompareRecord } from './session-legacy'
import type { CompareColumnSetup, ComparisonSetup, SessionDocument, SessionNode } from './sessions'

/**
 * What the UI asks of a saved session: small intents, applied by the host in the order they were
 * sent. The host records every run's tokens itself as they pass through it, so the UI never sends
 * a whole document, and nothing the engine produced depends on the page staying open.
 */

/**
 * Where a run's tokens go: a node of the session's tree. `column` (a comparison's column by key)
 * is read from journals of session format 2 only.
 */
export type RunTarget = { nodeId: string } | { column: string }

/** Sent with a generate request (or with each run of a generateMany): the host records the run. */
export interface RunRecording {
  sessionId: string
  target: { nodeId: string }
}

const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id uses only letters, digits, - and _')
export const runTargetSchema = z.object({ nodeId: idSchema }).strict()
export const runRecordingSchema = z.object({ sessionId: idSchema, target: runTargetSchema })

export type SessionIntent =
  /** A new session (a chat's first message, a Completion's first run, a comparison, an import). */
  | { type: 'created'; document: SessionDocument }
  /** Chat: a new user message under the branch on screen, and an empty reply to stream into. */
  | { type: 'sent'; userId: string; replyId: string; text: string; now: string }
  /**
   * Chat: a new reply beside `nodeId` (an assistant message), under the same user message. With
   * `prefix` it is a branch: its run starts with the first `count` tokens of `nodeId`'s, then
   * `first` (the alternative the user picked), and generation continues from there.
   */
  | {
      type: 'regenerated'
      nodeId: string
      replyId: string
      now: string
      prefix?: { count: number; first: GeneratedToken }
    }
  /** Chat: an edited copy of user message `nodeId` beside it, and a new reply under the copy. */
  | { type: 'edited'; nodeId: string; userId: string; replyId: string; text: string; now: string }
  /** Chat: shows the previous (-1) or next (+1) sibling of `nodeId`, and the newest branch below. */
  | { type: 'switched'; nodeId: string; step: -1 | 1 }
  /** Shows the branch that ends at `nodeId` (Completion's ‹ ›). */
  | { type: 'leafShown'; nodeId: string }
  | { type: 'systemChanged'; system: string; now: string }
  | { type: 'renamed'; title: string; now: string }
  | {
      type: 'settingsChanged'
      settings: SessionDocument['settings']
      model: SessionDocument['model']
      /** The document's new `updatedAt`; the host's clock when absent. */
      now?: string
    }
  /**
   * A node added to the tree (a Completion run, branch or continuation; an imported node). A
   * Completion node names its tree parent (`parentId`) and where its text leaves the parent's
   * (`forkAt`); a branch's run starts with `first`, the alternative the user picked.
   */
  | {
      type: 'nodeAdded'
      node: Omit<SessionNode, 'run'>
      first?: GeneratedToken
      /**
       * Written by format 1 (journals from before): the run started with the first `count`
       * tokens of node `fromNodeId`'s whole path, then `first`. Now read as a branch of
       * `node.branchOf` at `count` that keeps only `first` (see session-apply-completion.ts).
       */
      prefix?: { fromNodeId: string; count: number; first: GeneratedToken | null }
      /** The document's new `updatedAt`; the host's clock when absent. */
      now?: string
    }
  /**
   * Compare: the prompt node (made if there is none) and the columns in order. A column node
   * named keeps its run; a new one is added under the prompt; one not named is removed.
   */
  | {
      type: 'comparisonChanged'
      prompt: { id: string; text: string; setup: ComparisonSetup }
      system: string
      columns: { nodeId: string; column: CompareColumnSetup }[]
      now?: string
    }
  /** Journals of session format 2 only: the comparison's record (read as comparisonChanged). */
  | { type: 'compareChanged'; compare: CompareRecord; now?: string }
  /** A run begins writing into `target` (recorded by the host; also used by imports). */
  | {
      type: 'runStarted'
      target: RunTarget
      prompt: TokenText[]
      sampling: SamplingSettings
      /** Recorded runs take the host's clock; an import keeps the time it was saved at. */
      now?: string
    }
  | { type: 'tokensAdded'; target: RunTarget; tokens: GeneratedToken[]; now?: string }
  /**
   * The exact entropy of token `index` of `target`'s run, read on demand for a token whose run
   * only bounded it (its `entropyUpperBits`): the token then holds the exact value, unbounded.
   */
  | { type: 'entropyRead'; target: { nodeId: string }; index: number; bits: number }
  | {
      type: 'runEnded'
      target: RunTarget
      stopReason: NonNullable<SessionNode['run']>['stopReason']
      tokensPerSecond: number | null
      timeToFirstTokenMs: number | null
      now?: string
      /**
       * The settings of a run that ended before it started (its generate call failed): the
       * target then gets a run record of its own, with no tokens.
       */
      sampling?: SamplingSettings
    }

export interface UpdateSessionRequest {
  id: string
  intents: SessionIntent[]
}

/** Most intents one update may carry; imports send long runs as several updates. */
export const maxIntentsPerUpdate = 256
/** Most tokens one `tokensAdded` may carry. */
export const maxTokensPerIntent = 4096
