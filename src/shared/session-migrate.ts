import { nodesFromCompareRecord } from './compare-tree'
import { completionNodesFromPaths } from './completion-tree'
import {
  sessionDocumentV1Schema,
  sessionDocumentV2Schema,
  type SessionDocumentV2,
} from './session-legacy'
import { sessionSchemaVersion } from './sessions'

/**
 * Older session documents, brought to the current format: by the host when it opens a file, by
 * the `created` intent and by an import of an exported file. Each step upgrades a raw document
 * from its version to the next; what it returns is checked against the schema afterwards.
 */

type Raw = Record<string, unknown>

/** Upgrades a document from version `from` to `from + 1`, keyed by `from`. */
export const sessionMigrations: Record<number, (raw: Raw) => Raw> = {
  // 1 → 2: a Completion node keeps its own tokens, not its branch's whole path.
  1(raw) {
    const read = sessionDocumentV1Schema.safeParse(raw)
    // Not a valid format-1 document: the schema check after says why.
    if (!read.success) return { ...raw, schemaVersion: 2 }
    const doc = read.data
    const nodes = doc.kind === 'completion' ? completionNodesFromPaths(doc.nodes) : doc.nodes
    return { ...doc, schemaVersion: 2, nodes }
  },
  // 2 → 3: a comparison's record becomes a prompt node and a node per column (compare-tree.ts).
  2(raw) {
    const read = sessionDocumentV2Schema.safeParse(raw)
    // Not a valid format-2 document: converted unchecked, so that the schema check after names
    // what is wrong (a comparison left out of it would be silently lost).
    const { compare, ...doc } = read.success ? read.data : (raw as SessionDocumentV2)
    if (!compare) return { ...doc, schemaVersion: 3 }
    let nodes: unknown
    try {
      nodes = [...nodesFromCompareRecord(compare, doc.createdAt), ...doc.nodes]
    } catch {
      nodes = compare
    }
    // The system prompt box kept its text whichever input was chosen; the session keeps it now.
    return { ...doc, schemaVersion: 3, system: compare.system, nodes, currentLeafId: null }
  },
}

/** `raw` at the current version when it is an older document; otherwise `raw` as it is. */
export function upgradeSession(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw
  let doc = raw as Raw
  const version = doc.schemaVersion
  if (typeof version !== 'number' || !Number.isInteger(version)) return raw
  for (let v = version; v < sessionSchemaVersion; v++) {
    const migrate = sessionMigrations[v]
    if (!migrate) return doc
    doc = migrate(doc)
  }
  return doc
}
