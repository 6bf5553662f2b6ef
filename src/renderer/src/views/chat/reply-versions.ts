import type { SessionDocument, SessionNode } from '../../../../shared/sessions'
import { siblingsOf } from '../../sessions/conversation'

/** The versions of reply `nodeId` (itself among them) whose first `index` tokens are its own. */
function versionsSharing(doc: SessionDocument, nodeId: string, index: number): SessionNode[] {
  const self = doc.nodes.find((n) => n.id === nodeId)?.run?.tokens
  if (!self) return []
  return siblingsOf(doc, nodeId).filter((sibling) => {
    const tokens = sibling.run?.tokens
    if (!tokens || tokens.length <= index) return false
    for (let i = 0; i < index; i++) if (tokens[i]?.id !== self[i]?.id) return false
    return true
  })
}

/**
 * The version of reply `nodeId` that goes on from its first `index` tokens with token `tokenId`:
 * the one an earlier pick of that alternative there made (or any that reads the same so far).
 */
export function versionWith(
  doc: SessionDocument,
  nodeId: string,
  index: number,
  tokenId: number,
): SessionNode | undefined {
  return versionsSharing(doc, nodeId, index).find((v) => v.run?.tokens[index]?.id === tokenId)
}

/** The tokens at `index` that some version of reply `nodeId` already goes on with. */
export function versionIdsAt(
  doc: SessionDocument,
  nodeId: string,
  index: number,
): ReadonlySet<number> {
  const ids = new Set<number>()
  for (const version of versionsSharing(doc, nodeId, index)) {
    const id = version.run?.tokens[index]?.id
    if (id !== undefined) ids.add(id)
  }
  return ids
}
