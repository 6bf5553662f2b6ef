/** One prompt, several sampling settings, generated side by side. */
export function CompareView() {
  return <main id="compare" className="min-h-0 flex-1 p-4" />
}
