import type { Locator, Page } from 'playwright-core'
import type { GeneratedToken, RunEvent } from '../../src/shared/contract'

/** The Chat view as the e2e tests drive it, and the engine's runs as a watcher saw them. */

/**
 * Opens Chat with replies shown as chips (most tests check replies token by token) or as
 * Markdown; the choice is remembered by the page like the user's own.
 */
export async function openChat(
  page: Page,
  replyView: 'tokens' | 'markdown' = 'tokens',
): Promise<void> {
  await page.locator('[data-testid=nav-chat]').click()
  await page.locator('[data-testid=chat-input]').waitFor()
  await page.locator(`[data-testid=reply-view-${replyView}]`).click()
}

export const replies = (page: Page) =>
  page.locator('[data-testid=chat-message][data-role=assistant]')
export const userMessages = (page: Page) =>
  page.locator('[data-testid=chat-message][data-role=user]')

/** Waits until `count` replies are finished (ended or failed) on screen. */
export async function waitForReplies(page: Page, count: number): Promise<void> {
  await page
    .locator(
      '[data-testid=reply-state][data-state=ended], [data-testid=reply-state][data-state=failed]',
    )
    .nth(count - 1)
    .waitFor({ timeout: 90_000 })
  await page.locator('[data-testid=send-button]').waitFor()
}

export async function send(page: Page, text: string, replyCount: number): Promise<void> {
  await page.fill('[data-testid=chat-input]', text)
  await page.locator('[data-testid=send-button]:enabled').waitFor()
  await page.press('[data-testid=chat-input]', 'Enter')
  await waitForReplies(page, replyCount)
}

export function chipIds(message: Locator): Promise<string[]> {
  return message
    .locator('[data-testid=token-chip]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-token-id') ?? ''))
}

/** The runs the engine did, in order, with their started event and tokens. */
export function runs(events: readonly RunEvent[]) {
  const ids = [...new Set(events.map((e) => e.runId))]
  return ids.map((runId) => {
    const mine = events.filter((e) => e.runId === runId)
    const started = mine.find(
      (e): e is Extract<RunEvent, { kind: 'started' }> => e.kind === 'started',
    )
    const tokens: GeneratedToken[] = mine.flatMap((e) => (e.kind === 'tokens' ? e.tokens : []))
    const end = mine.find((e) => e.kind === 'ended')
    return { runId, started, tokens, end }
  })
}

export async function waitForSaved(page: Page): Promise<void> {
  await page.locator('[data-testid=save-state][data-state=saved]').waitFor({ timeout: 30_000 })
}
