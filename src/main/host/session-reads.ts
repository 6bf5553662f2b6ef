import { AppFailure } from '../../shared/errors'
import {
  defaultPageTokens,
  pageOf,
  parseSessionPageRequest,
  runAt,
} from '../../shared/session-pages'
import type { SessionService } from '../../shared/sessions'
import { expandDocument } from '../../shared/stored-document'
import { enqueue, entryFor } from './session-cache'
import { packOutline } from '../../shared/session-outline-pack'
import { loaded } from './session-load'
import { breather } from './session-column-writer'
import { pause, type StoreState } from './session-store-state'

type SessionReads = Pick<SessionService, 'loadSession' | 'loadSessionOutline' | 'loadSessionPage'>

/** Reading a session: whole, as an outline, or a page of one run's tokens at a time. */
export function createSessionReads(state: StoreState): SessionReads {
  return {
    async loadSession({ id }) {
      const entry = entryFor(state, id)
      // The UI's form: every token an object again (made afresh, a slice at a time, never kept).
      return enqueue(state, entry, async () =>
        expandDocument(await loaded(state, entry), breather(pause)),
      )
    },

    async loadSessionOutline({ id }) {
      const entry = entryFor(state, id)
      return enqueue(state, entry, async () => ({
        document: packOutline(await loaded(state, entry)),
        pageTokens: defaultPageTokens,
      }))
    },

    async loadSessionPage(input) {
      const { id, target, from, to } = parseSessionPageRequest(input)
      const entry = entryFor(state, id)
      return enqueue(state, entry, async () => {
        const run = runAt(await loaded(state, entry), target)
        if (!run || from >= run.length)
          throw new AppFailure({
            code: 'invalid-request',
            message: `Session ${id} has no tokens from ${from} in ${'nodeId' in target ? `node ${target.nodeId}` : `column ${target.column}`}.`,
            hint: 'Open the session again: it changed since it was opened.',
          })
        return pageOf(run, from, to)
      })
    },
  }
}
