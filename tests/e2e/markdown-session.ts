import type { Page } from 'playwright-core'
import type { GeneratedToken } from '../../src/shared/contract'
import { defaultSampling } from '../../src/shared/schemas'
import type { SessionDocument, SessionNode } from '../../src/shared/sessions'

/**
 * A chat whose reply is Markdown, as a session file to import. The demo model does not write
 * Markdown by itself; an imported session is how such a reply reaches the UI with every token's
 * numbers, exactly as a saved conversation with a real model would.
 */

export const markdownCode = 'function add(a: number, b: number): number {\n  return a + b // sum\n}'

export const markdownReply = [
  '## Adding numbers',
  '',
  'Here is a **typed** helper with `inline code` and a [link](https://example.com/docs):',
  '',
  '```ts',
  markdownCode,
  '```',
  '',
  '- first point',
  '- second point',
  '',
  '| token | p |',
  '| --- | ---: |',
  '| add | 0.91 |',
  '| sum | 0.07 |',
  '',
  'Done.',
].join('\n')

/** Pieces of 1–4 characters, as a BPE tokenizer might cut the text. */
export function pseudoTokens(text: string): string[] {
  const out: string[] = []
  for (let at = 0, n = 0; at < text.length; n++) {
    const size = 1 + ((n * 7 + 3) % 4)
    out.push(text.slice(at, at + size))
    at += size
  }
  return out
}

const probabilities = [0.96, 0.88, 0.55, 0.3, 0.1, 0.92, 0.03, 0.81]

function tokensOf(texts: string[]): GeneratedToken[] {
  return texts.map((text, i) => {
    const modelProb = probabilities[i % probabilities.length] ?? 0.5
    const id = 1000 + i
    const self = { id, text, logit: Math.log(modelProb), modelProb, samplingProb: modelProb }
    const other = {
      id: 7,
      text: ' the',
      logit: Math.log(1 - modelProb),
      modelProb: 1 - modelProb,
      samplingProb: 1 - modelProb,
    }
    return {
      ...self,
      position: 40 + i,
      rank: modelProb >= 0.5 ? 1 : 2,
      entropyBits: 0.2 + (i % 5) * 0.9,
      alternatives: modelProb >= 0.5 ? [self, other] : [other, self],
      tailMass: 0,
    }
  })
}

export function markdownSession(question = 'Show me a TypeScript add function'): SessionDocument {
  const now = new Date().toISOString()
  return {
    schemaVersion: 3,
    id: 'markdown-reply',
    title: 'Markdown reply',
    kind: 'chat',
    createdAt: now,
    updatedAt: now,
    system: '',
    model: null,
    settings: { sampling: defaultSampling, maxTokens: 256, topN: 10 },
    nodes: [
      { id: 'u1', parentId: null, role: 'user', text: question, run: null, createdAt: now },
      {
        id: 'a1',
        parentId: 'u1',
        role: 'assistant',
        text: markdownReply,
        run: {
          prompt: [],
          tokens: tokensOf(pseudoTokens(markdownReply)),
          stopReason: 'end-of-generation',
          sampling: defaultSampling,
          tokensPerSecond: 42,
          timeToFirstTokenMs: 20,
        },
        createdAt: now,
      },
    ],
    currentLeafId: 'a1',
  }
}

/** A saved chat of `turns` questions, each answered with the Markdown reply five times over. */
export function longMarkdownChat(id: string, turns: number): SessionDocument {
  const base = markdownSession()
  const [question, reply] = base.nodes
  if (!question || !reply?.run) throw new Error('the Markdown session has no reply')
  const nodes: SessionDocument['nodes'] = []
  let parentId: string | null = null
  for (let turn = 0; turn < turns; turn++) {
    const asked: SessionNode = {
      ...question,
      id: `u${turn}`,
      parentId,
      text: `Question ${turn + 1}`,
    }
    const answered: SessionNode = {
      ...reply,
      id: `a${turn}`,
      parentId: asked.id,
      text: reply.text.repeat(5),
      run: { ...reply.run, tokens: Array.from({ length: 5 }, () => reply.run!.tokens).flat() },
    }
    nodes.push(asked, answered)
    parentId = answered.id
  }
  return { ...base, id, title: 'A long chat', nodes, currentLeafId: parentId }
}

export const markdownPrompt = 'Answer in Markdown: how do I add two numbers in TypeScript?\n\n'

/** The same Markdown text as a Completion run of a prompt, as a session file to import. */
export function markdownCompletion(): SessionDocument {
  const chat = markdownSession()
  const run = chat.nodes[1]?.run ?? null
  return {
    ...chat,
    id: 'markdown-completion',
    title: 'Markdown completion',
    kind: 'completion',
    nodes: [
      {
        id: 'p1',
        parentId: null,
        role: 'prompt',
        text: markdownPrompt,
        run: null,
        createdAt: chat.createdAt,
      },
      {
        id: 'c1',
        parentId: 'p1',
        role: 'completion',
        text: markdownReply,
        run,
        createdAt: chat.createdAt,
        origin: 'run',
      },
    ],
    currentLeafId: 'c1',
  }
}

/** A Completion session whose output is the Markdown reply `repeats` times, a blank line apart. */
export function longMarkdownCompletion(id: string, repeats: number): SessionDocument {
  const doc = markdownCompletion()
  const [prompt, completion] = doc.nodes
  if (!prompt || !completion?.run) throw new Error('the Markdown completion has no run')
  const text = Array.from({ length: repeats }, () => markdownReply).join('\n\n')
  const run = { ...completion.run, tokens: tokensOf(pseudoTokens(text)) }
  return { ...doc, id, title: 'A long completion', nodes: [prompt, { ...completion, text, run }] }
}

/** Imports the session through the sidebar and shows it in Chat. */
export async function importMarkdownChat(page: Page): Promise<void> {
  await page.setInputFiles('[data-testid=import-input]', {
    name: 'markdown-reply.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(markdownSession())),
  })
  await page.locator('[data-testid=nav-chat]').click()
  await page.locator('[data-testid=markdown-reply] [data-testid=code-block]').waitFor()
}

/** Selects everything inside the first element matching `selector`, as a drag would. */
export async function selectAll(page: Page, selector: string): Promise<void> {
  // Runs in the page; typed loosely because the test project has no DOM types.
  await page
    .locator(selector)
    .first()
    .evaluate((el) => {
      interface Range {
        selectNodeContents(node: unknown): void
      }
      const doc = (globalThis as unknown as { document: PageDocument }).document
      interface PageDocument {
        createRange(): Range
        getSelection(): { removeAllRanges(): void; addRange(range: Range): void } | null
      }
      const range = doc.createRange()
      range.selectNodeContents(el)
      const selection = doc.getSelection()
      selection?.removeAllRanges()
      selection?.addRange(range)
    })
}

/** What the page's clipboard holds now. */
export const clipboardText = (page: Page): Promise<string> =>
  page.evaluate(() =>
    (
      globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
    ).navigator.clipboard.readText(),
  )

/** Sets the page's clipboard, so a test can tell that a copy replaced it. */
export const setClipboard = (page: Page, text: string): Promise<void> =>
  page.evaluate(
    (value) =>
      (
        globalThis as unknown as {
          navigator: { clipboard: { writeText(text: string): Promise<void> } }
        }
      ).navigator.clipboard.writeText(value),
    text,
  )
