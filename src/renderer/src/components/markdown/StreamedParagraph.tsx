import { memo } from 'react'
import type { MarkdownPart } from '../../lib/markdown-blocks'
import { lineGroups, sameGroup, type LineGroup } from '../../lib/line-groups'
import type { ColorMode } from '../../lib/probability-scale'
import { openGroupAttribute } from '../../hooks/useTextLineStarts'
import { MarkdownCtx, type MarkdownContext } from './markdown-context'
import { Children, paragraphClass } from './MarkdownNodes'

/** The reply's line height (`leading-6`), for a skipped group's placeholder. */
const lineHeightPx = 24

interface PartProps {
  part: MarkdownPart
  ctx: MarkdownContext
  colorMode: ColorMode
}

/** A settled piece of a long streaming paragraph: its text never changes, so it is drawn once. */
const Part = memo(
  function Part({ part, ctx }: PartProps) {
    return (
      <MarkdownCtx.Provider value={{ ...ctx, base: part.base }}>
        <Children nodes={part.node.children} />
      </MarkdownCtx.Provider>
    )
  },
  (a, b) =>
    a.part === b.part &&
    a.colorMode === b.colorMode &&
    a.ctx.first === b.ctx.first &&
    a.ctx.branchPoints === b.ctx.branchPoints,
)

interface GroupProps {
  group: LineGroup
  /** A line started after it: it is a block of its own lines, skipped while off screen. */
  closed: boolean
  ctx: MarkdownContext
  colorMode: ColorMode
}

const Group = memo(
  function Group({ group, closed, ctx, colorMode }: GroupProps) {
    return (
      <span
        {...{ [openGroupAttribute]: closed ? 'closed' : 'open' }}
        className={closed ? 'block [content-visibility:auto]' : undefined}
        style={
          closed ? { containIntrinsicBlockSize: `auto ${group.lines * lineHeightPx}px` } : undefined
        }
      >
        {group.parts.map((part) => (
          <Part key={part.base} part={part} ctx={ctx} colorMode={colorMode} />
        ))}
      </span>
    )
  },
  (a, b) =>
    a.closed === b.closed &&
    a.colorMode === b.colorMode &&
    a.ctx.first === b.ctx.first &&
    a.ctx.branchPoints === b.ctx.branchPoints &&
    sameGroup(a.group, b.group),
)

/**
 * A long paragraph that streamed in pieces: each run of pieces that ends where a line was seen to
 * start is a block of its own (see `line-groups`), the rest flows on as one.
 */
export function StreamedParagraph(props: {
  parts: readonly MarkdownPart[]
  lineStarts: readonly number[]
  ctx: MarkdownContext
  colorMode: ColorMode
}) {
  const groups = lineGroups(props.parts, props.lineStarts)
  return (
    <p className={paragraphClass}>
      {groups.map((group, i) => (
        <Group
          key={group.key}
          group={group}
          closed={i < groups.length - 1}
          ctx={props.ctx}
          colorMode={props.colorMode}
        />
      ))}
    </p>
  )
}
