/** The error boundary: a render failure shows what failed and a Reload button, not a white page. */
import { createElement, type ReactElement, type ReactNode } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { ErrorBoundary, ErrorFallback } from '../../src/renderer/src/components/ErrorBoundary'

/** The boundary as React drives it: the state React derives from an error, then render(). */
function boundaryAfter(error: unknown, componentStack?: string): ReactElement {
  const boundary = new ErrorBoundary({ children: createElement('main', null, 'the app') })
  boundary.state = {
    ...ErrorBoundary.getDerivedStateFromError(error),
    ...(componentStack ? { componentStack } : {}),
  } as typeof boundary.state
  return boundary.render() as ReactElement
}

const html = (node: ReactNode) => renderToStaticMarkup(node as ReactElement)

describe('ErrorBoundary', () => {
  it('renders its children while nothing has failed', () => {
    const boundary = new ErrorBoundary({ children: createElement('main', null, 'the app') })
    expect(html(boundary.render())).toBe('<main>the app</main>')
  })

  it('after an error, shows the error, where it happened and a Reload button', () => {
    const markup = html(
      boundaryAfter(
        new TypeError("Cannot read properties of undefined (reading 'logprob')"),
        '\n    at TokenChip (app://tokenscope/assets/index.js:1:2)\n    at TokenStream',
      ),
    )
    expect(markup).toContain('role="alert"')
    expect(markup).toContain(
      'TypeError: Cannot read properties of undefined (reading &#x27;logprob&#x27;)',
    )
    expect(markup).toContain('in TokenChip')
    expect(markup).toMatch(/<button[^>]*>Reload<\/button>/)
    expect(markup).not.toContain('<main>')
  })

  it('describes a thrown value that is not an Error', () => {
    expect(html(boundaryAfter('boom'))).toContain('not an Error was thrown: boom')
  })

  it("the Reload button is wired to the boundary's reload", () => {
    const reloads: string[] = []
    const fallback = ErrorFallback({ error: new Error('x'), onReload: () => reloads.push('r') })
    const button = findButton(fallback)
    ;(button?.props as { onClick?: () => void }).onClick?.()
    expect(reloads).toEqual(['r'])
  })
})

function findButton(node: ReactNode): ReactElement | undefined {
  if (!node || typeof node !== 'object' || !('props' in node)) return undefined
  const element = node as ReactElement<{ children?: ReactNode }>
  if (element.type === 'button') return element
  const children = ([] as ReactNode[]).concat(element.props.children ?? [])
  for (const child of children) {
    const found = findButton(child)
    if (found) return found
  }
  return undefined
}
