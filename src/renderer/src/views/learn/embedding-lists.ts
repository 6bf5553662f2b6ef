import { learnLimits } from '../../../../shared/learn'

export interface ReadyList {
  id: string
  label: string
  items: string[]
}

/** Lists whose structure a reader can guess before looking: two groups, pairs, a sequence. */
export const readyLists: readonly ReadyList[] = [
  {
    id: 'animals-vehicles',
    label: 'Animals & vehicles',
    items: ['cat', 'dog', 'horse', 'cow', 'lion', 'car', 'bus', 'truck', 'bicycle', 'train'],
  },
  {
    id: 'royalty',
    label: 'King, queen, man, woman',
    items: ['king', 'queen', 'man', 'woman', 'prince', 'princess', 'boy', 'girl'],
  },
  {
    id: 'numbers',
    label: 'Numbers',
    items: ['one', 'two', 'three', 'four', 'five', '1', '2', '3', '4', '5', 'hundred', 'thousand'],
  },
]

export interface ParsedList {
  items: string[]
  /** Why the list cannot be sent as it is; null when it can. */
  problem: string | null
}

/** One item per non-empty line, trimmed; a repeated line counts once. */
export function parseList(text: string): ParsedList {
  const items = [...new Set(text.split(/\r?\n/).map((line) => line.trim()))].filter(Boolean)
  const long = items.find((item) => item.length > learnLimits.embedTextChars)
  let problem: string | null = null
  if (items.length < 2) problem = 'Enter at least two words or phrases, one per line.'
  else if (items.length > learnLimits.embedList)
    problem = `That is ${items.length} items; at most ${learnLimits.embedList} fit in one comparison.`
  else if (long)
    problem = `"${long.slice(0, 30)}…" is longer than ${learnLimits.embedTextChars} characters.`
  return { items, problem }
}
