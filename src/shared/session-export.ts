import { comparisonOf } from './compare-tree'
import { completionPathTokens } from './completion-tree'
import { describePenalties, penaltiesActive } from './penalties'
import { describeIssues } from './schemas'
import { upgradeSession } from './session-migrate'
import { sessionDocumentSchema, type SessionDocument, type SessionNode } from './sessions'
import { splitReply, thoughtProse } from './thoughts'

/** The nodes from the root to `leafId`: the branch the user is looking at. */
export function activePath(
  document: SessionDocument,
  leafId = document.currentLeafId,
): SessionNode[] {
  const byId = new Map(document.nodes.map((node) => [node.id, node]))
  const path: SessionNode[] = []
  const seen = new Set<string>()
  for (
    let node = leafId ? byId.get(leafId) : undefined;
    node;
    node = node.parentId ? byId.get(node.parentId) : undefined
  ) {
    if (seen.has(node.id)) break
    seen.add(node.id)
    path.unshift(node)
  }
  return path
}

/** The whole session, every branch and every token's numbers, as pretty JSON. */
export function sessionToJson(document: SessionDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`
}

/** Reads an exported session back, or explains why it cannot. */
export function sessionFromJson(
  text: string,
): { ok: true; document: SessionDocument } | { ok: false; message: string } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return {
      ok: false,
      message: 'The file is not JSON. Choose a session exported from Tokenscope.',
    }
  }
  const parsed = sessionDocumentSchema.safeParse(upgradeSession(raw))
  if (!parsed.success)
    return {
      ok: false,
      message: `This is not a Tokenscope session: ${describeIssues(parsed.error)}`,
    }
  return { ok: true, document: parsed.data }
}

const roleTitles: Record<SessionNode['role'], string> = {
  user: 'User',
  assistant: 'Assistant',
  prompt: 'Prompt',
  completion: 'Completion',
}

/** A comparison's columns: their settings and how each run ended, then each column's text. */
function compareMarkdown(document: SessionDocument): string[] {
  const comparison = comparisonOf(document.nodes)
  if (!comparison) return []
  const { prompt, columns } = comparison
  const setup = prompt.comparison
  const lines = [
    '## Comparison',
    '',
    `- Input: ${setup.input === 'chat' ? 'chat message' : 'completion prompt'}${setup.sameSeed ? ', same seed for all columns' : ''}`,
    '',
  ]
  if (setup.input === 'chat' && document.system) lines.push('### System', '', document.system, '')
  lines.push('### Prompt', '', prompt.text, '')
  lines.push(
    '| Column | Engine | Temperature | Top-k | Top-p | Min-p | Penalties | Seed | Max tokens | Tokens | Stop |',
    '|---|---|---:|---:|---:|---:|---|---:|---:|---:|---|',
  )
  columns.forEach(({ column, run }, i) => {
    const s = column.settings.sampling
    lines.push(
      `| ${i + 1}${column.preset ? ` (${column.preset})` : ''} | ${column.engine ? `remote: ${column.engine.model.replace(/[|\r\n]/g, ' ')}` : 'local'} | ${s.temperature} | ${s.topK} | ${s.topP} | ${s.minP} | ${describePenalties(s)} | ${s.seed} | ${column.settings.maxTokens} | ${run?.tokens.length ?? 0} | ${run?.stopReason ?? 'not run'} |`,
    )
  })
  lines.push('')
  columns.forEach(({ run }, i) => {
    if (!run) return
    lines.push(`### Column ${i + 1}`, '', run.tokens.map((t) => t.text).join(''), '')
  })
  return lines
}

/**
 * The nodes the Markdown shows. A Completion text is one section however many branches it passed
 * through: its nodes keep only their own tokens (completion-tree.ts), so it is put together here.
 */
function shownNodes(document: SessionDocument): SessionNode[] {
  // A comparison's nodes are its table and columns (compareMarkdown).
  if (document.kind === 'compare') return []
  const path = activePath(document)
  if (document.kind !== 'completion') return path
  const leaf = path[path.length - 1]
  if (leaf?.role !== 'completion') return path
  const tokens = completionPathTokens(document, leaf.id)
  const whole: SessionNode = {
    ...leaf,
    text: tokens.map((t) => t.text).join(''),
    run: leaf.run && { ...leaf.run, tokens },
  }
  return [...path.filter((n) => n.role !== 'completion'), whole]
}

/** The visible branch as Markdown, with each generated token's probability in a table. */
export function sessionToMarkdown(document: SessionDocument): string {
  const { sampling, maxTokens } = document.settings
  const lines = [
    `# ${document.title || 'Untitled session'}`,
    '',
    `- Model: ${document.model ? `${document.model.name} (\`${document.model.fileName}\`)` : 'none'}`,
    `- Sampling: temperature ${sampling.temperature}, top-k ${sampling.topK}, top-p ${sampling.topP}, min-p ${sampling.minP}, seed ${sampling.seed}, max tokens ${maxTokens}${penaltiesActive(sampling) ? `, penalties: ${describePenalties(sampling)}` : ''}`,
    `- Saved: ${document.updatedAt}`,
    '',
  ]
  // A comparison keeps the system prompt box's text even when its input is not a chat message.
  const chatInput = comparisonOf(document.nodes)?.prompt.comparison.input !== 'completion'
  if (document.system && chatInput) lines.push('## System', '', document.system, '')
  for (const node of shownNodes(document)) {
    lines.push(`## ${roleTitles[node.role]}`, '')
    const { thought } = splitReply(node.run?.tokens ?? [])
    if (thought.length > 0) {
      lines.push(
        `<details><summary>Thinking (${thought.length} tokens)</summary>`,
        '',
        thoughtProse(thought),
        '',
        '</details>',
        '',
      )
    }
    lines.push(node.text, '')
    // Each run draws its own seed: the one that reproduces this text.
    if (node.run) lines.push(`_Seed ${node.run.sampling.seed}_`, '')
    if (node.run && node.run.tokens.length > 0) {
      lines.push(
        '| # | Token | ID | Model p | Sampling p | Rank |',
        '|---:|---|---:|---:|---:|---:|',
      )
      node.run.tokens.forEach((token, i) => {
        const text = JSON.stringify(token.text)
          .slice(1, -1)
          .replace(/\|/g, '\\|')
          .replace(/`/g, "'")
        // A remote server's token carries what it measured; the rest is said, never filled in.
        const r = token.reported
        const shown = (measured: boolean | undefined, value: string) =>
          measured === false ? 'not reported' : value
        lines.push(
          `| ${i + 1} | \`${text}\` | ${shown(r?.tokenId, String(token.id))} | ${shown(r?.modelProb, token.modelProb.toFixed(4))} | ${shown(r?.samplingProb, token.samplingProb.toFixed(4))} | ${shown(r?.rank, String(token.rank))} |`,
        )
      })
      lines.push('')
    }
  }
  lines.push(...compareMarkdown(document))
  return lines.join('\n')
}
