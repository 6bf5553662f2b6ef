import { AppFailure } from '../../shared/errors'
import { describeIssues } from '../../shared/schemas'
import {
  sessionTextPieceSchema,
  type sessionUpload,
  type SessionTextPiece,
} from '../../shared/sessions'

/**
 * Puts together a session document sent in pieces (`saveSessionText`), within bounds: pieces in
 * order, a longest piece and document, a cap on all unfinished uploads, and a timeout that frees
 * an upload whose sender went away.
 */

export type UploadBounds = { [K in keyof typeof sessionUpload]: number }

/** The pieces of one document's text received so far. */
interface Upload {
  pieces: string[]
  chars: number
  /** Drops the upload when no piece follows in time. */
  timer: ReturnType<typeof setTimeout> | null
}

export function createUploadAssembler(bounds: UploadBounds) {
  const uploads = new Map<string, Upload>()
  let openChars = 0

  function drop(uploadId: string) {
    const upload = uploads.get(uploadId)
    if (!upload) return
    if (upload.timer) clearTimeout(upload.timer)
    openChars -= upload.chars
    uploads.delete(uploadId)
  }

  /** Takes one piece; the document's full text once the last one is in, else null. */
  function receive(piece: SessionTextPiece): string | null {
    const { uploadId, offset, text, last } = piece
    if (offset === 0) {
      // A new upload (or the same one again from the start).
      drop(uploadId)
      if (last) {
        checkDocumentSize(text.length)
        return text
      }
      uploads.set(uploadId, { pieces: [], chars: 0, timer: null })
    }
    const upload = uploads.get(uploadId)
    if (!upload) {
      throw uploadFailure('its first part is missing (it came too slowly and was dropped).')
    }
    try {
      if (offset !== upload.chars) {
        throw uploadFailure(`a part arrived out of order (at ${offset}, expected ${upload.chars}).`)
      }
      checkDocumentSize(upload.chars + text.length)
      if (openChars + text.length > bounds.openChars) {
        throw uploadFailure('too many large saves are under way at once.')
      }
    } catch (error) {
      drop(uploadId)
      throw error
    }
    if (upload.timer) clearTimeout(upload.timer)
    upload.pieces.push(text)
    upload.chars += text.length
    openChars += text.length
    if (last) {
      drop(uploadId)
      return upload.pieces.join('')
    }
    // Nobody finishes an upload whose sender went away: free it after a while.
    upload.timer = setTimeout(() => drop(uploadId), bounds.idleMs)
    upload.timer.unref?.()
    return null
  }

  function checkDocumentSize(chars: number) {
    if (chars <= bounds.documentChars) return
    throw new AppFailure({
      code: 'invalid-request',
      message: `The session is too large to save (over ${bounds.documentChars.toLocaleString('en')} characters of JSON).`,
      hint: 'Delete some runs or branches from it, or export it as a file.',
    })
  }

  return {
    /** Takes one piece (unchecked input); the document's full text once the last is in, else null. */
    receive(input: unknown): string | null {
      const piece = sessionTextPieceSchema.safeParse(input)
      if (!piece.success || piece.data.text.length > bounds.pieceChars) {
        throw new AppFailure({
          code: 'invalid-request',
          message: `Invalid session piece: ${piece.success ? `longer than ${bounds.pieceChars} characters` : describeIssues(piece.error)}`,
        })
      }
      return receive(piece.data)
    },
  }
}

function uploadFailure(reason: string): AppFailure {
  return new AppFailure({
    code: 'internal',
    message: `The session could not be saved: ${reason}`,
    hint: 'The previous save is intact; the next change saves again.',
  })
}
