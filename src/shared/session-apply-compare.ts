import { changedComparison, type ComparisonChange } from './compare-tree'
import { maxNodes, maxNodeText, refuse, type ApplyOptions } from './session-apply-nodes'
import type { DocumentWith, NodeWith } from './stored-document'

/** Applies a `comparisonChanged`: the compare tree's prompt node and columns. */
export function applyComparisonChanged<T>(
  doc: DocumentWith<T>,
  intent: ComparisonChange,
  options: ApplyOptions<T>,
): DocumentWith<T> {
  if (doc.kind !== 'compare') refuse(`Session ${doc.id} is not a comparison.`)
  const nodes = changedComparison<NodeWith<T>>(doc.nodes, intent, intent.now ?? options.now)
  if (nodes.length > maxNodes)
    refuse(`A session holds at most ${maxNodes.toLocaleString('en')} nodes.`)
  if (intent.prompt.text.length > maxNodeText) refuse('The prompt is too long.')
  return { ...doc, nodes, system: intent.system, updatedAt: intent.now ?? options.now }
}
