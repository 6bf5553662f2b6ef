import { useEffect, useState } from 'react'

function read(key: string, fallback: string): string {
  try {
    return localStorage.getItem(key) ?? fallback
  } catch {
    return fallback
  }
}

/** A text box's text, kept in local storage under `key` across reloads; `fallback` the first time. */
export function useSavedText(key: string, fallback: string) {
  const [text, setText] = useState(() => read(key, fallback))
  useEffect(() => {
    try {
      localStorage.setItem(key, text)
    } catch {
      // A full or blocked storage only costs remembering the text.
    }
  }, [key, text])
  return [text, setText] as const
}
