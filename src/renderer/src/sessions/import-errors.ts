import { sessionSchemaVersion } from '../../../shared/sessions'

/** A failed import as one sentence (which file, what is wrong) and the details, for a fold. */
export interface ImportProblem {
  message: string
  details: string | null
}

const notSession = 'This is not a Tokenscope session: '

/** The schema version a file claims, if it claims one that is not ours. */
function otherVersion(text: string): number | null {
  try {
    const raw = JSON.parse(text) as { schemaVersion?: unknown } | null
    const version = raw?.schemaVersion
    return typeof version === 'number' && version !== sessionSchemaVersion ? version : null
  } catch {
    return null
  }
}

/** Turns the reader's reason (session-export.ts) into what the sidebar shows. */
export function importProblem(fileName: string, text: string, reason: string): ImportProblem {
  const file = `“${fileName}”`
  if (!reason.startsWith(notSession)) return { message: `${file}: ${reason}`, details: null }
  const issues = reason.slice(notSession.length).split('; ').filter(Boolean)
  const version = otherVersion(text)
  const message =
    version !== null
      ? `${file} is a version ${version} session, which this version of Tokenscope cannot read.`
      : issues.length === 1
        ? `${file} is not a Tokenscope session: one of its fields does not match.`
        : `${file} is not a Tokenscope session: ${issues.length} of its fields do not match.`
  return { message, details: issues.join('\n') }
}
