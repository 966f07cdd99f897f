// Usage: node sdk-calls.mjs [calls|faults]
// Drives the official openai Node SDK at OPENAI_BASE_URL (the metering proxy's tagged base URL) and
// prints one JSON line per call: what the SDK saw, for NodeSdkTest to compare with the records.
import OpenAI from 'openai';

const client = new OpenAI({ maxRetries: 0 });
const out = (name, value) => process.stdout.write(JSON.stringify({ call: name, ...value }) + '\n');
const chat = (content, extra = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content }],
  ...extra,
});

async function calls() {
  const plain = await client.chat.completions.create(chat('Say hello from node'));
  out('chat', { usage: plain.usage, model: plain.model });

  const chunks = [];
  for await (const c of await client.chat.completions.create(chat('Stream without usage', { stream: true }))) {
    chunks.push(c);
  }
  out('chat-stream', {
    chunks: chunks.length,
    emptyChoices: chunks.filter((c) => c.choices.length === 0).length,
    usageMembers: chunks.filter((c) => 'usage' in c).length,
  });

  const withUsage = [];
  const s2 = await client.chat.completions.create(
    chat('Stream with usage', { stream: true, stream_options: { include_usage: true } }),
  );
  for await (const c of s2) {
    withUsage.push(c);
  }
  const last = withUsage[withUsage.length - 1];
  out('chat-stream-usage', { usage: last.usage, lastChoices: last.choices.length });

  const resp = await client.responses.create({ model: 'gpt-4o-mini', input: 'Hi from node' });
  out('responses', { usage: resp.usage });

  let completed = null;
  for await (const e of await client.responses.create({ model: 'gpt-4.1-mini', input: 'Stream it', stream: true })) {
    if (e.type === 'response.completed') {
      completed = e.response.usage;
    }
  }
  out('responses-stream', { usage: completed });

  const emb = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'the lazy dog' });
  out('embeddings', { usage: emb.usage, dimensions: emb.data[0].embedding.length });
}

// run after the test scripted a 429, a 500 and a truncated stream into the simulator
async function faults() {
  for (const name of ['rate-limited', 'server-error']) {
    try {
      await client.chat.completions.create(chat(name));
      out(name, { status: 200 });
    } catch (e) {
      out(name, { status: e.status, retryAfter: e.headers?.get?.('retry-after') ?? null });
    }
  }

  try {
    const cut = await client.chat.completions.create(chat('cut me', { stream: true }));
    for await (const c of cut) {
      // read until the stream breaks
    }
    out('cut', { error: null });
  } catch (e) {
    out('cut', { error: e.constructor.name });
  }
}

(process.argv[2] === 'faults' ? faults() : calls()).catch((e) => {
  process.stderr.write(`sdk-calls failed: ${e.stack}\n`);
  process.exit(1);
});
