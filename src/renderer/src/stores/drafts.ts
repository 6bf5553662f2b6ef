/**
 * What is typed in a view's box and not yet sent, kept while another tab is open (the views
 * unmount): a message waiting for a model to be loaded in Models must still be there after.
 */
export const drafts: { chat: string; completion: { text: string; restored: number } | null } = {
  chat: '',
  completion: null,
}
