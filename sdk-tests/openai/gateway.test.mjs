// The official OpenAI SDK pointed at Tessera: nothing here knows it is not talking to OpenAI.
// Needs TESSERA_BASE_URL (…/v1), TESSERA_KEY (inference scope) and TESSERA_LIMITED_KEY (a key
// whose tenant has a tiny token budget).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.TESSERA_BASE_URL, apiKey: process.env.TESSERA_KEY, maxRetries: 0 });
const context = 'Refunds are accepted within 30 days of purchase. Shipping to Norway takes five business days.';

test('chat completion', async () => {
  const r = await client.chat.completions.create({
    model: 'auto',
    messages: [{ role: 'system', content: context }, { role: 'user', content: 'How long is the refund window?' }],
  });
  assert.equal(r.object, 'chat.completion');
  assert.match(r.choices[0].message.content, /30 days/);
  assert.ok(r.usage.total_tokens > 0);
});

test('streaming with usage', async () => {
  const stream = await client.chat.completions.create({
    model: 'auto',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'system', content: context }, { role: 'user', content: 'How long does shipping to Norway take?' }],
  });
  let text = '';
  let usage = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  assert.ok(chunks > 1, 'several chunks');
  assert.match(text, /five business days/);
  assert.ok(usage && usage.completion_tokens > 0);
});

test('tools are accepted and the answer says how it finished', async () => {
  const r = await client.chat.completions.create({
    model: 'local-extractive',
    messages: [{ role: 'system', content: context }, { role: 'user', content: 'Refund window?' }],
    tools: [{ type: 'function', function: { name: 'lookup_order', description: 'Find an order', parameters: { type: 'object', properties: { id: { type: 'string' } } } } }],
    tool_choice: 'auto',
  });
  assert.ok(['stop', 'tool_calls'].includes(r.choices[0].finish_reason));
});

test('JSON schema output parses', async () => {
  const r = await client.chat.completions.create({
    model: 'auto',
    messages: [{ role: 'system', content: context }, { role: 'user', content: 'What is the refund window?' }],
    response_format: {
      type: 'json_schema',
      json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false } },
    },
  });
  const parsed = JSON.parse(r.choices[0].message.content);
  assert.equal(typeof parsed.answer, 'string');
});

test('embeddings, as the SDK asks for them (base64) and as floats', async () => {
  const r = await client.embeddings.create({ model: 'local-minilm', input: ['refund policy', 'shipping times'] });
  assert.equal(r.data.length, 2);
  assert.equal(r.data[0].embedding.length, 384);
  const floats = await client.embeddings.create({ model: 'local-minilm', input: 'refund policy', encoding_format: 'float' });
  assert.equal(floats.data[0].embedding.length, 384);
  assert.ok(Math.abs(floats.data[0].embedding[0] - r.data[0].embedding[0]) < 1e-6);
});

test('models', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  assert.ok(ids.includes('local-extractive'));
});

test('an unknown model is a NotFoundError', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
    (e) => e instanceof OpenAI.NotFoundError && e.code === 'model_not_found',
  );
});

test('a bad key is an AuthenticationError', async () => {
  const bad = new OpenAI({ baseURL: process.env.TESSERA_BASE_URL, apiKey: 'tsk_nope', maxRetries: 0 });
  await assert.rejects(bad.models.list(), (e) => e instanceof OpenAI.AuthenticationError);
});

test('bad input is a BadRequestError', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'auto', messages: [] }),
    (e) => e instanceof OpenAI.BadRequestError,
  );
});

test('an exhausted token budget is a RateLimitError', async () => {
  const limited = new OpenAI({ baseURL: process.env.TESSERA_BASE_URL, apiKey: process.env.TESSERA_LIMITED_KEY, maxRetries: 0 });
  const ask = () => limited.chat.completions.create({ model: 'auto', max_tokens: 400, messages: [{ role: 'user', content: 'hi' }] });
  await ask();
  await assert.rejects(ask(), (e) => e instanceof OpenAI.RateLimitError && e.headers.get('retry-after') !== null);
});
