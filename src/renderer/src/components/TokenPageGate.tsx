import type { ReactNode } from 'react'
import type { GeneratedToken } from '../../../shared/contract'
import { mutedText } from '../lib/ui'
import { useTokenPage } from '../sessions/session-pages'

export interface TokenPageGateProps {
  token: GeneratedToken
  children: ReactNode
}

/**
 * Shows `children` once `token` holds its alternatives. A long session opens from its outline
 * and its alternatives follow page by page; a token whose page has not arrived yet says so
 * (its page is asked for at once) instead of showing an empty list.
 */
export function TokenPageGate({ token, children }: TokenPageGateProps) {
  const page = useTokenPage(token)
  if (page.ready) return <>{children}</>
  return (
    <p
      data-testid="token-page-state"
      role="status"
      className={`mt-3 text-xs ${page.error ? 'text-rose-700 dark:text-rose-300' : mutedText}`}
    >
      {page.error
        ? `This token's alternatives could not be read: ${page.error} Close and reopen the token to try again.`
        : "Loading this token's alternatives…"}
    </p>
  )
}
