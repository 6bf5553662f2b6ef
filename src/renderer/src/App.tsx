export function App() {
  return <main className="p-4 text-slate-900">Tokenscope</main>
}
