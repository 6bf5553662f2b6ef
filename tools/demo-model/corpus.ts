/**
 * The training text of the built-in demo model, written for Tokenscope.
 *
 * Everything here is the project's own explanation of how language models work, so that the demo
 * model (a bigram model over this text) babbles about tokens, attention and sampling rather than
 * about anything else. Prose avoids " ." " ," " ?" " !" and quote-apostrophes after a space: the
 * GPT-2 detokenizer in llama.cpp "cleans" those spaces away, which would break exact round trips.
 */

export const DEMO_SPECIAL_TOKENS = {
  thinkStart: '<think>',
  thinkEnd: '</think>',
  endOfText: '<|endoftext|>',
  imStart: '<|im_start|>',
  imEnd: '<|im_end|>',
} as const

/** In this order the chat tokens keep the IDs 2045–2047 they had before the reasoning tokens. */
export const DEMO_SPECIAL_TOKEN_LIST: readonly string[] = [
  DEMO_SPECIAL_TOKENS.thinkStart,
  DEMO_SPECIAL_TOKENS.thinkEnd,
  DEMO_SPECIAL_TOKENS.endOfText,
  DEMO_SPECIAL_TOKENS.imStart,
  DEMO_SPECIAL_TOKENS.imEnd,
]

const ARTICLES: readonly string[] = [
  `# What a language model does

A language model is a program that reads a piece of text and guesses what comes next. It does not guess a whole answer at once. It guesses one small piece, called a token, then adds that token to the text and guesses again. Repeat this loop a few hundred times and you get a paragraph, an email, a poem or a program.

The guess is never a single word. The model gives a probability to every token it knows. After the text "The cat sat on the", a good model might give 30 percent to " mat", 12 percent to " floor", 8 percent to " sofa" and a tiny share to thousands of other tokens. A separate step, called sampling, picks one token from that list. Tokenscope shows you both parts: the list of probabilities the model produced, and the choice the sampler made.

This is why people call a language model a very large autocomplete. The keyboard on a phone also suggests the next word. The difference is scale. A modern model has read a huge amount of text, it keeps thousands of tokens of context in view, and it has billions of learned numbers that let it notice grammar, facts, style and reasoning patterns. Underneath, the job is the same: predict the next token.

Generation is a loop. The prompt is split into tokens. The model reads all of them and produces a probability for every possible next token. The sampler picks one. The chosen token is appended to the sequence, and the model runs again with one more token of context. The loop stops when the model produces a special end token, when a stop text appears, or when a limit on the number of tokens is reached.

Because every step only looks at the text so far, a model cannot go back and change a token it already produced. If an early choice was odd, the rest of the answer has to live with it. That is one reason why the same prompt can lead to very different answers: a single different token early on sends the text down another path. In Tokenscope you can click any token, pick one of the other candidates, and watch a new branch grow from that point.
`,
  `# Tokens and token IDs

A model never sees letters or words directly. Before anything else, the text is cut into tokens, and every token is replaced by a number called its token ID. The list of all tokens a model knows is its vocabulary. Small models in this app have a vocabulary of about two thousand tokens. Large models often have between thirty thousand and two hundred fifty thousand.

A token can be a whole word, a piece of a word, a single letter, a space followed by a word, a punctuation mark, or even a single byte. Common words usually get their own token, often with the space in front of them glued on. The word " the" with its leading space is one token in most English vocabularies. A rare word is split into several pieces. A long technical name may take five or six tokens.

Why not use whole words? Because the list of possible words never ends. New names, typing mistakes, numbers, code and other languages would all fall outside a fixed word list. Why not use single characters? Because then every sentence becomes very long, and the model has to spend its effort gluing letters back together. Tokens sit in the middle: frequent strings become single tokens, and anything else can still be spelled out from smaller pieces.

Token IDs are only names. The number 512 does not mean that a token is larger or more important than the token 17. The ID is used to look up a row in a table of vectors, called the embedding table, and from there on the model works with vectors, not with IDs.

Counting tokens matters in practice. The context window of a model, the price of a hosted model and the speed of generation are all measured in tokens, not in words. A rough rule for English is that one token is about four characters, or three quarters of a word. Code, numbers and other languages often need more tokens for the same amount of text.

Try the tokenizer view in Tokenscope: type a sentence and you will see each token as a chip with its ID. Notice how a space usually belongs to the token that follows it, how capital letters can change the split, and how a number like 2024 may become one token or several.
`,
  `# Byte pair encoding

Most modern tokenizers are built with a method called byte pair encoding, or BPE. The idea is simple enough to do by hand.

Start with the smallest pieces. In byte-level BPE, the first 256 tokens are the 256 possible byte values. Any text at all, in any language, is a sequence of bytes, so any text can be written with these tokens. Nothing is ever unknown.

Next, look at a large amount of training text and count every pair of neighbouring tokens. Find the pair that occurs most often, for example the byte for "t" followed by the byte for "h". Create a new token "th" for that pair, and write down the rule "t h" as the first merge. Then replace every "t h" pair in the training text with the new token and count again. Perhaps "th" followed by "e" is now the most common pair, so "the" becomes the next token and "th e" the second merge. Keep going until the vocabulary has the size you want.

The result is two lists: the vocabulary of tokens and the ordered list of merges. The order matters. A merge learned early has a low rank and is applied first, because it was the most frequent pair at that time.

Before counting, the text is usually split into words by a pre-tokenizer, a rule that keeps merges from crossing certain boundaries. The GPT-2 rule splits text into runs of letters, runs of digits, runs of punctuation and runs of spaces, and lets a single space stick to the front of the next word. That is why " model" with a leading space is a different token from "model" at the start of a line.

To encode new text, the tokenizer first splits it with the same rule. Each word becomes a list of byte tokens. Then it looks at every neighbouring pair, finds the pair with the lowest merge rank, and merges it. If two pairs have the same rank, the one further to the left goes first. It repeats this until no pair in the word appears in the merge list. The tokens that are left are the output.

Byte-level BPE can spell any string, even a word like naïve, a symbol like ≈ or an emoji like 🙂, because each of them is just a few bytes. Rare characters simply take more tokens. Decoding is the reverse: look up the bytes of each token, join them, and read them as text.

The tokenizer of the Tokenscope demo model was trained exactly this way on the text of its own help pages. It has about two thousand tokens: 256 byte tokens, three special tokens, and merges learned from these very paragraphs.
`,
  `# Special tokens and chat templates

Some tokens are not text at all. They are markers that the model learned to treat as signals. The demo model has three of them.

The token <|endoftext|> marks the end of a document. During training, documents are joined with this marker between them, so the model learns that after it a fresh topic may begin. Many models also use it to say that they are done.

The tokens <|im_start|> and <|im_end|> frame the turns of a conversation. This layout is called ChatML. Each message starts with <|im_start|>, then the role, such as user or assistant, then a new line, then the message text, and it ends with <|im_end|>. To ask the model for a reply, the app writes the whole conversation this way and ends with <|im_start|>assistant and a new line. The model then continues as the assistant, and it signals that its reply is complete by producing <|im_end|>.

The recipe that turns a list of messages into this text is called the chat template. It is stored inside the model file, so every model can bring its own layout. Using the wrong template is a classic reason for a model to ramble, repeat itself or talk as the user.

Special tokens are written as text in the template, but they must become their own single token IDs. A tokenizer therefore has a mode that recognises special tokens in text. When that mode is off, a string like <|im_end|> typed by a user is split into ordinary pieces, so a user cannot fake the end of a turn. When it is on, the string becomes one control token.
`,
  `# Embeddings

After tokenization, every token ID is turned into a vector: a list of numbers such as 128 or 4096 numbers long. This vector is the embedding of the token, and the table that holds one row for every token is the embedding table.

At the start of training the table is random. Training slowly moves the rows so that the model can predict text well. Tokens that are used in similar ways end up with similar vectors. The vectors for " cat" and " dog" point in more similar directions than the vectors for " cat" and " because". Similarity is usually measured with the cosine of the angle between two vectors: close to 1 means the same direction, close to 0 means unrelated.

An embedding is not a definition. It is a position in a space with many dimensions, and the meaning of a token comes from where it sits compared with other tokens. Single dimensions rarely have a clear meaning on their own.

The embedding of a token is only the starting point. Inside the model, each position carries a vector that is updated again and again by the layers. This running vector is often called the residual stream. After the first layers, the vector at the position of " bank" already mixes in information from the words around it, so a river bank and a savings bank can look different.

In the demo model, the residual stream never changes: the layers add nothing to it. The next-token guess depends only on the embedding of the last token, which makes the demo model a bigram model. It is a toy, but it lets you see the full path from an embedding to a probability with numbers you can check by hand.
`,
  `# Attention

Attention is the part of a transformer that lets one position look at the other positions. Each token can gather information from earlier tokens in the text, and this is how a model connects a pronoun to a name or a closing bracket to an opening one.

Each position computes three vectors from its current state: a query, a key and a value. The query says what this position is looking for. The key says what a position offers. The value is the information it will hand over. To decide where to look, the model compares the query of the current position with the keys of all earlier positions. Each comparison is a dot product, a single number that is large when the query and the key point the same way.

These scores are divided by the square root of the vector size, to keep them in a good range, and then turned into weights with the softmax function. The weights are positive and add up to one. The output of attention is the weighted average of the values. A position that gets a large weight contributes most of its value.

Language models use causal attention. A position may only look at itself and at earlier positions, never at later ones, because during generation the later tokens do not exist yet. This rule is enforced with a mask that sets the scores of future positions to minus infinity before the softmax.

A model runs several attention heads side by side. Each head has its own query, key and value projections, so one head can track grammar while another follows names or copies repeated phrases. The outputs of all heads are joined and projected back to the size of the residual stream, then added to it.

Attention has a cost. Every new token compares its query with the keys of all earlier tokens, so longer texts need more work and more memory. To avoid doing the same work twice, the keys and values of earlier tokens are stored in the KV cache, and only the new token is computed at each step.
`,
  `# Inside a transformer block

A transformer is a stack of identical blocks. Each block reads the residual stream, computes something, and adds the result back. Nothing is ever overwritten: every block only adds a correction. This design makes deep models much easier to train.

A block in a llama-style model has two parts. First comes attention: the stream is normalized, attention mixes information between positions, and the result is added to the stream. Second comes the feed-forward network: the stream is normalized again, passed through a wider layer with a gate, and projected back down, and that result is added too.

The normalization used by llama models is RMSNorm. It divides a vector by the root mean square of its entries, so that every vector has a similar size, and then multiplies each entry by a learned weight. A tiny number called epsilon is added under the square root so that the division is always safe.

The feed-forward network works on each position on its own. It is where much of the knowledge of a model seems to live: patterns like "Paris is the capital of France" are stored in its weights. In llama models it uses a gate, so the layer computes two projections, applies a smooth function to one of them, multiplies them together and projects the product back.

After the last block, the stream is normalized one final time and multiplied by the output matrix. This gives one number for every token in the vocabulary. These numbers are the logits.

The demo model has a single block, and both of its output projections are exactly zero. Attention and the feed-forward network still run, but what they add is nothing. This is on purpose: it means the logits depend only on the last token, so tests can compute the exact answer and compare it with what llama.cpp reports.
`,
  `# From logits to probabilities

The model does not produce probabilities directly. It produces logits: one score for every token, which can be any real number. A higher logit means the model prefers that token more.

To turn logits into probabilities, the softmax function is used. Take the exponential of every logit, then divide each result by the sum of all of them. The results are positive and add up to one. Adding the same number to all logits does not change the probabilities, which is why only differences between logits matter.

Softmax makes differences dramatic. If one logit is two higher than another, its token is about seven times more likely. If it is five higher, the token is about 150 times more likely. This is why a model can be very confident even though its logits look like small numbers.

Tokenscope shows two kinds of probability for each token. The model probability is the plain softmax of the logits, the honest opinion of the model. The sampling probability is what is left after temperature, top-k, top-p and min-p have reshaped the list. The two numbers often differ, and that is not a bug: the sampler changed the odds on purpose.

A useful way to look at a probability is surprise, the negative logarithm of the probability. A token with probability one half has a surprise of about 0.69. A token with probability one in a thousand has a surprise of about 6.9. Tokenscope can tint every token by its probability, its surprise or the entropy of the whole list, which shows at a glance where the model was sure and where it was guessing.

Entropy measures how spread out a distribution is. If the model puts all its weight on one token, the entropy is zero. If it spreads the weight evenly over many tokens, the entropy is high. High entropy positions are where different sampling settings lead to different text.
`,
  `# Temperature

Temperature is the most common sampling setting. Before the softmax, every logit is divided by the temperature.

A temperature of 1 leaves the distribution as the model made it. A temperature below 1 makes the logits larger, so the gaps between them grow and the most likely tokens become even more likely. The text gets safer and more repetitive. A temperature above 1 shrinks the gaps, so unlikely tokens get a bigger share. The text gets more surprising, and at high values it falls apart into nonsense.

A temperature of exactly 0 cannot be used as a divisor, so it is treated as a special case: always take the single most likely token. This is called greedy decoding. Greedy decoding is deterministic, which is useful for tests and for tasks with one right answer, but on long texts it often gets stuck in loops.

Temperature does not change the order of the tokens. The most likely token stays the most likely one. It only changes how far the other tokens are behind. Open the Sampling Lab in Tokenscope and move the temperature slider: the bars of the distribution stretch and flatten, but they never swap places.
`,
  `# Top-k, top-p and min-p

Temperature reshapes the whole list. The other common samplers cut the list instead, removing tokens that are too unlikely to be a good idea.

Top-k keeps only the k most likely tokens. With k set to 40, the sampler picks from the 40 best candidates and ignores the rest. It is simple, but a fixed k is sometimes too many and sometimes too few: after "The capital of France is" only one token makes sense, while at the start of a story hundreds are fine.

Top-p, also called nucleus sampling, keeps the smallest set of top tokens whose probabilities add up to at least p. With p set to 0.9, the sampler walks down the sorted list, adding tokens until ninety percent of the probability is covered. When the model is sure, this set is tiny. When the model is unsure, it is large.

Min-p keeps every token whose probability is at least a fraction of the best token. With min-p set to 0.05 and a top token at 60 percent, any token below 3 percent is removed. It adapts to the confidence of the model in a very direct way, and many people find it a good default.

After the cut, the remaining probabilities are scaled up so that they add up to one again, and the sampler draws one token at random with those odds. The order in which the steps run is called the sampler chain. Changing the order can change the result, because temperature before a cut and temperature after a cut keep different tokens.

Some presets: for code, use a low temperature such as 0.2 so the model stays precise. For chat, a temperature near 0.7 with top-p 0.9 is a common choice. For creative writing, a temperature near 1 with min-p 0.05 gives variety without falling apart.
`,
  `# Loss and perplexity

A model learns by predicting text it has already seen. For every position in the training text, the model produces a probability for the token that really comes next. The loss at that position is the negative logarithm of that probability. If the model gave the right token a probability of 1, the loss is 0. If it gave it one in a hundred, the loss is about 4.6.

The training loss is the average of these numbers over a huge amount of text. Training adjusts every weight a tiny step in the direction that lowers the loss, a method called gradient descent. The direction for every weight is computed with backpropagation. After many billions of tokens, the model has become good at giving the real next token a high probability.

Perplexity is another way to report the same number: the exponential of the average loss. A perplexity of 10 means the model is, on average, as unsure as if it had to choose evenly between ten tokens. Lower is better. A perfect model would have a perplexity of 1.

The perplexity tool in Tokenscope runs a text through the model and shows the loss of every token. Common phrases get a low loss. A surprising word, a name the model does not know, or a typing mistake gets a high loss, and you can see at a glance where the text surprised the model.

Perplexity depends on the tokenizer. A model with larger tokens has fewer positions to predict, so its per-token numbers are not directly comparable with those of a model that uses smaller tokens.
`,
  `# Context windows

The context window is the number of tokens a model can see at once. Everything the model knows about the current conversation must fit inside it: the system prompt, all earlier messages, any pasted document and the reply that is being written.

A model is trained with a certain context length, such as 2048, 8192 or 131072 tokens. Running it with a longer context than it was trained on usually makes the output worse, because the model never learned to handle positions that far apart.

Positions are encoded with rotary position embeddings, called RoPE, in llama models. RoPE rotates the query and key vectors by an angle that depends on the position, so the dot product between them depends on how far apart two tokens are. This gives attention a sense of order and distance.

The context also costs memory. For every token in the window, every layer keeps its keys and values in the KV cache. A long context with a large model can need gigabytes of memory just for this cache. That is why apps let you choose a context size smaller than the maximum.

When a conversation grows past the window, something has to go. Some apps drop the oldest messages, some summarise them, and some refuse to continue. The context gauge in Tokenscope shows how much of the window is used by the system prompt, the history and the reply, and warns you before the window is full.
`,
  `# About the demo model

The model that ships with Tokenscope is tiny and honest. It was not downloaded from anywhere. It is built by the app itself from the text you are reading now.

The tokenizer is a real byte-level BPE tokenizer with about two thousand tokens, trained on these help pages. The model file uses the same GGUF format and the same llama architecture as large open models, so llama.cpp loads it like any other model.

Its weights, however, are made by hand. The demo model counts which token follows which in these pages, turns those counts into a table of log probabilities, and squeezes that table into an embedding matrix and an output matrix with 128 numbers per token. Its single transformer block adds exactly zero to the residual stream. So the next token depends only on the last token: the demo model is a bigram model dressed as a transformer.

That is useful for two reasons. First, it is small enough to ship and fast enough to run anywhere, so you can explore every feature of the app before downloading a large model. Second, its output is known in closed form. The tests of Tokenscope compute the expected probability of every token from the weights and check that the numbers shown in the app match to three decimal places.

Do not expect wisdom from it. It writes text that sounds like these pages, with the right words in roughly the right places, but it forgets what it said two tokens ago. When you want a real conversation, open a larger model from the Models page.
`,
  `# Reading the token stream

Every token in the Tokenscope output is shown as a chip. The color of a chip tells you how sure the model was. Hover over a chip to see its token ID, its model probability, its sampling probability, its rank among all tokens, and the top alternatives the model considered.

A confident chip means the model gave that token most of the probability. A pale chip means the token was one of many possible choices, and a different sample could easily have picked another one. If the chosen token has rank 5 or 10, the sampler took a chance on a token that the model did not like best.

Click a chip and choose another candidate to create a branch. The text up to that point stays the same, the new token replaces the old one, and generation continues from there. Branches are kept as a tree, so you can go back and compare them.

The compare view runs the same prompt with two to four sampling settings side by side. It is the fastest way to get a feeling for what temperature, top-k, top-p and min-p do to real text.

The speed panel shows how many tokens per second the model reads and writes. Reading the prompt is fast because all its tokens are processed together. Writing is slower because each new token needs a full pass through the model.
`,
  `# A worked example of next-token probabilities

Suppose a small model has just read the text "I like green" and has only four tokens to choose from: " tea", " apples", " cars" and " the". Its logits are 2.0 for " tea", 1.5 for " apples", 0.0 for " cars" and minus 1.0 for " the".

First take the exponential of each logit. That gives about 7.39, 4.48, 1.00 and 0.37. Their sum is about 13.24. Divide each number by the sum and you get the probabilities: about 56 percent for " tea", 34 percent for " apples", 8 percent for " cars" and 3 percent for " the".

Now apply a temperature of 0.5. Every logit is divided by 0.5, so they become 4.0, 3.0, 0.0 and minus 2.0. After the softmax, " tea" gets about 72 percent, " apples" about 26 percent, and the other two share the last 2 percent. The favourite got stronger.

With a temperature of 2, the logits become 1.0, 0.75, 0.0 and minus 0.5. Now " tea" has about 38 percent, " apples" 30 percent, " cars" 14 percent and " the" 9 percent. The list got flatter, and a strange continuation like "I like green the" becomes a real possibility.

Finally, apply top-k with k equal to 2 at temperature 1. Only " tea" and " apples" survive. Their probabilities, 56 and 34 percent, are scaled up to add to one, which gives about 62 and 38 percent. The sampler then draws one of the two.

The loss of this prediction depends on what really came next. If the true next token was " apples", the loss is the negative logarithm of 0.34, which is about 1.08. If it was " cars", the loss is about 2.6.
`,
  `# Base models and chat models

A base model is trained only to continue text. Give it the start of a recipe and it writes the rest of a recipe. Give it a question and it may answer, or it may write three more questions, because lists of questions are common on the web. A base model is best used in completion mode, where you write the beginning of a text and let the model continue.

A chat model starts as a base model and is then trained further on conversations. It learns the chat template, the idea of turns, and the habit of answering the user instead of continuing the user. Some chat models are also trained to refuse harmful requests or to think step by step before answering.

In chat mode, Tokenscope writes the conversation with the chat template of the model and asks for the assistant turn. In completion mode, it sends your text as it is, without any template. Using a chat model in completion mode, or a base model in chat mode, works, but the results are often odd.

A system prompt is a message at the very start of the conversation that sets the rules: who the assistant is, what style to use, what to avoid. It is written with the same template, using the role system. It uses context tokens like any other message, so a very long system prompt leaves less room for the conversation.

The demo model was trained on both kinds of text: plain explanations and short chat turns. That is why it can be used in both modes, even though it only looks at one token at a time.
`,
  `# Model files and quantization

Models for llama.cpp are stored in GGUF files. A GGUF file starts with a header, then a list of metadata entries, then a description of every tensor, then the tensor data itself. The metadata holds the architecture, the number of layers, the size of the vectors, the vocabulary, the merges of the tokenizer and the chat template. The model page of Tokenscope reads this metadata and shows it as a card.

A tensor is a block of numbers with a shape, such as a matrix with 2048 rows and 128 columns. The embedding table, the attention projections and the output matrix are all tensors. The demo model stores every tensor as 32-bit floating point numbers, so each number takes four bytes.

Large models use quantization to save memory. Instead of four bytes per weight, a quantized model stores groups of weights with a shared scale and a few bits per weight, for example four or five bits. A model with seven billion parameters needs about 28 gigabytes as 32-bit floats, but only about 4 gigabytes at four bits per weight. The quality loss is usually small at five or six bits and becomes noticeable below four bits.

The memory a model needs while running is more than the file size. The KV cache grows with the context size, and the app needs some working memory for each step. Tokenscope estimates whether a model will fit before loading it, and lets you choose how many layers to place on the GPU when one is available.
`,
  `# Why models make things up

A language model is trained to produce likely text, not true text. Most of the time these agree, because true statements are common in the training data. When the model does not know something, it still has to put probability on some next token, and a confident-sounding guess is often the most likely continuation.

This is why a model can invent a book title, a quote or a citation that looks perfect and does not exist. Each token was plausible given the tokens before it. There is no separate step that checks facts.

Looking at probabilities helps. When a model knows a fact, the key tokens usually have high probability. When it is guessing, the probabilities at the important positions are spread out, and a different sample gives a different answer. Tokenscope makes this visible: a name written in pale chips with many close alternatives deserves less trust than a name written in confident chips.

Sampling settings also matter. A high temperature makes invented details more likely, because it gives more weight to unlikely tokens. For factual questions a low temperature is a better choice.
`,
  `# Running models on your own computer

Running a model locally means the text never leaves your machine. The app loads the model file into memory and does all the math on your processor or your graphics card.

The speed of generation is mostly limited by memory bandwidth. To produce one token, the model must read all of its weights once. A model of four gigabytes on a machine that reads fifty gigabytes per second can therefore produce at most about twelve tokens per second. A graphics card with much faster memory is faster for the same reason.

Reading the prompt is different. All prompt tokens can be processed together, which uses the processor much more efficiently, so a long prompt is read many times faster than the same number of tokens is written.

Smaller models are faster and need less memory, but they know less and make more mistakes. A good habit is to start with a small model, check that the app and the settings work, and then try a larger one. The demo model is the smallest possible start: it loads in a moment and runs on any computer.
`,
]

/** Short ChatML conversations, so that chat mode answers in the style of an assistant. */
const DIALOGUES: ReadonlyArray<readonly [question: string, answer: string]> = [
  [
    'What is a token?',
    'A token is a small piece of text, such as a word, part of a word, a space with a word, or a single byte. The model reads and writes tokens, and each token has a number called its token ID.',
  ],
  [
    'How does the model pick the next token?',
    'The model gives a probability to every token in its vocabulary. Then the sampler picks one token from that list, using settings such as temperature, top-k, top-p and min-p.',
  ],
  [
    'What does temperature do?',
    'Temperature divides the logits before the softmax. A low temperature makes the most likely tokens even more likely, so the text is safe and focused. A high temperature gives unlikely tokens a bigger share, so the text is more varied.',
  ],
  [
    'What is BPE?',
    'BPE means byte pair encoding. It starts with single bytes and repeatedly merges the most frequent pair of neighbouring tokens into a new token, until the vocabulary is large enough.',
  ],
  [
    'What is an embedding?',
    'An embedding is a vector of numbers that stands for a token. The model looks it up in the embedding table by token ID. Tokens used in similar ways get similar vectors.',
  ],
  [
    'Can you explain attention?',
    'Attention lets each position look at earlier positions. Each position has a query, a key and a value. The query is compared with the keys, the scores become weights with the softmax, and the output is the weighted average of the values.',
  ],
  [
    'What is top-p sampling?',
    'Top-p keeps the smallest set of most likely tokens whose probabilities add up to at least p, and samples from that set. When the model is sure the set is small, and when it is unsure the set is large.',
  ],
  [
    'What is min-p?',
    'Min-p removes every token whose probability is below a fraction of the best token. With min-p 0.1 and a best token at 50 percent, tokens below 5 percent are dropped.',
  ],
  [
    'What does perplexity mean?',
    'Perplexity is the exponential of the average loss. It tells you how unsure the model is, as if it had to choose evenly between that many tokens. Lower perplexity means the text was easier for the model to predict.',
  ],
  [
    'Why does the model forget the start of a long chat?',
    'Every model has a context window, a fixed number of tokens it can see at once. When the conversation is longer than the window, the oldest tokens no longer fit, so the model cannot see them.',
  ],
  [
    'What is the difference between model probability and sampling probability?',
    'The model probability is the plain softmax of the logits. The sampling probability is what remains after temperature and the cut-off samplers have reshaped the list. They differ because the sampler changed the odds on purpose.',
  ],
  [
    'What are logits?',
    'Logits are the raw scores the model gives to every token before the softmax. A higher logit means a more likely token, and only the differences between logits matter.',
  ],
  [
    'Who made you?',
    'I am the Tokenscope demo model. The app built me from its own help pages. I am a bigram model dressed as a transformer, so I only look at the last token, but my probabilities are exact.',
  ],
  [
    'Why do you repeat yourself?',
    'I only see the last token, so I can easily walk in a circle. Try a higher temperature or min-p sampling, or open a larger model for a real conversation.',
  ],
  [
    'What is greedy decoding?',
    'Greedy decoding always picks the single most likely token. It is the same as a temperature of zero. It is deterministic, but on long texts it often repeats itself.',
  ],
  [
    'What is the KV cache?',
    'The KV cache stores the keys and values of every token the model has already read. When a new token is added, only that token has to be computed, and attention reads the rest from the cache. It saves time but uses memory.',
  ],
  [
    'What is quantization?',
    'Quantization stores the weights of a model with fewer bits, for example four bits instead of thirty-two. The file gets much smaller and runs faster, and the quality drops a little.',
  ],
  [
    'Is a base model different from a chat model?',
    'Yes. A base model only continues text. A chat model was trained further on conversations, so it follows the chat template and answers as the assistant.',
  ],
  [
    'Hello!',
    'Hello! I am a tiny demo model. Ask me about tokens, embeddings, attention, sampling or perplexity.',
  ],
]

/**
 * A bigram model only sees the last token, and a chat reply starts right after "assistant\n". So
 * "\n" should mostly precede the first word of a text: paragraphs are joined by a single newline
 * (blank lines would make "\n" predict another "\n"), and no document ends with a newline (which
 * would make "\n" predict `<|endoftext|>`, an empty reply).
 */
function formatArticle(article: string): string {
  return article.trim().replace(/\n{2,}/g, '\n')
}

/**
 * What the demo model "thinks" before it answers, like reasoning models do between <think> and
 * </think>. A bigram model only sees the last token, so these notes use words and marks found
 * nowhere else in the corpus: from <think> every step stays inside the notes, and the likeliest
 * path ("Hmm → replying briefly…") reaches "…" and then </think>. Each note ends with the only "…".
 */
export const DEMO_THOUGHTS: readonly string[] = [
  'Hmm → recalling glossary → replying briefly…',
  'Hmm → checking helpfile → replying plainly…',
  'Hmm → recalling helpfile → sketching analogy → replying briefly…',
  'Hmm → defining jargon → replying briefly…',
  'Hmm → checking glossary → replying plainly…',
  'Hmm → greeting warmly → replying briefly…',
]

function formatDialogue([question, answer]: readonly [string, string], index: number): string {
  const { imStart, imEnd, thinkStart, thinkEnd } = DEMO_SPECIAL_TOKENS
  const thought = DEMO_THOUGHTS[index % DEMO_THOUGHTS.length] ?? ''
  return `${imStart}user\n${question}${imEnd}\n${imStart}assistant\n${thinkStart}${thought}${thinkEnd}\n${answer}${imEnd}`
}

/** The corpus as separate documents: articles first, then one document per dialogue. */
export function corpusDocuments(): string[] {
  return [...ARTICLES.map(formatArticle), ...DIALOGUES.map(formatDialogue)]
}

/** The full training text: every document followed by `<|endoftext|>`. */
export function corpusText(): string {
  return corpusDocuments()
    .map((document) => document + DEMO_SPECIAL_TOKENS.endOfText)
    .join('')
}
