import { useState } from 'react'
import type { TokenText } from '../../../../shared/contract'
import { formatCount } from '../../lib/format'
import { focusRing, mutedText } from '../../lib/ui'
import { hex, visibleText } from './tokenizer-format'

/**
 * Chips drawn at first. Each list is one wrapping flow, laid out whole: a pasted text of 32,000
 * characters made 5,000 chips in each of two lists, and frames of 320–570 ms laying them out.
 */
const firstShown = 1000

/** More chips than this slow the page down even when asked for; the counts cover the whole text. */
const shownTokens = 5000

/**
 * Chips are made in groups of this many, each a `display: contents` element (the chips still
 * wrap as one flow). React inserts a new chip by looking for the next chip already on the page
 * past every other new one, so thousands of chips added at once (a long text pasted) cost it
 * time that grows with their square: 5,000 took 110 ms; a new group is inserted whole.
 */
const chipsPerGroup = 250

const tints = [
  'bg-violet-100 dark:bg-violet-900/50',
  'bg-sky-100 dark:bg-sky-900/50',
  'bg-emerald-100 dark:bg-emerald-900/50',
  'bg-amber-100 dark:bg-amber-900/40',
]

function groupsOf<T>(items: readonly T[]): T[][] {
  const groups: T[][] = []
  for (let at = 0; at < items.length; at += chipsPerGroup)
    groups.push(items.slice(at, at + chipsPerGroup))
  return groups
}

/** Tokens as chips, each with its ID under it; special tokens ringed, partial characters dashed. */
export function TokenChips(props: {
  tokens: readonly TokenText[]
  showIds: boolean
  picked: number | null
  /** Chips are buttons that pick a token when given; plain labels otherwise. */
  onPick?: (index: number) => void
  /** Test ids of the list and its chips, so that several lists on one page stay apart. */
  testIds?: { list: string; chip: string }
  /** Classes for the list itself, e.g. a scroll box's; the line under it stays outside. */
  listClassName?: string
}) {
  const { tokens, showIds, picked, onPick } = props
  const [showMore, setShowMore] = useState(false)
  const limit = showMore ? shownTokens : firstShown
  const testIds = props.testIds ?? { list: 'tokenizer-tokens', chip: 'tokenizer-token' }
  const chip = (token: TokenText, i: number) => {
    const partial = token.text.includes('\ufffd')
    const ring = token.special
      ? 'ring-2 ring-amber-500'
      : partial
        ? 'border border-dashed border-slate-500 dark:border-slate-400'
        : ''
    const Chip = onPick ? 'button' : 'span'
    return (
      <Chip
        key={i}
        type={onPick ? 'button' : undefined}
        data-testid={testIds.chip}
        data-id={token.id}
        data-special={token.special ? 'true' : undefined}
        aria-pressed={onPick ? picked === i : undefined}
        title={
          token.special
            ? 'A special token of the vocabulary'
            : partial
              ? 'Part of a character: its byte(s) in hex'
              : undefined
        }
        onClick={onPick && (() => onPick(i))}
        className={`flex flex-col items-center rounded px-1 py-0.5 font-mono text-sm leading-5 ${tints[i % tints.length]} ${ring} ${picked === i ? 'outline-2 outline-violet-600' : ''}`}
      >
        <span className="whitespace-pre">
          {partial && token.bytes ? `‹${hex(token.bytes)}›` : visibleText(token.text)}
        </span>
        {showIds && (
          <span className="text-[10px] leading-3 text-slate-500 tabular-nums dark:text-slate-400">
            {token.id}
          </span>
        )}
      </Chip>
    )
  }
  const more = Math.min(tokens.length, shownTokens)
  return (
    <>
      <div
        className={`mt-2 flex flex-wrap gap-1 ${props.listClassName ?? ''}`}
        data-testid={testIds.list}
      >
        {groupsOf(tokens.slice(0, limit)).map((group, g) => (
          <div key={g} className="contents">
            {group.map((token, j) => chip(token, g * chipsPerGroup + j))}
          </div>
        ))}
      </div>
      {tokens.length > limit && (
        <p className={`mt-2 text-xs ${mutedText}`} data-testid={`${testIds.list}-shown`}>
          Showing the first {formatCount(limit)} of {formatCount(tokens.length)} tokens.{' '}
          {!showMore && (
            <button
              type="button"
              data-testid={`${testIds.list}-more`}
              className={`rounded font-medium text-violet-700 underline decoration-violet-300 underline-offset-2 dark:text-violet-300 dark:decoration-violet-700 ${focusRing}`}
              onClick={() => setShowMore(true)}
            >
              {more === tokens.length ? 'Show all' : `Show the first ${formatCount(more)}`}
            </button>
          )}
        </p>
      )}
    </>
  )
}
