// Runs the JavaScript chat clients' own code against Hearth's HTTP API and prints, as JSON,
// what each client ended up with. Used by tests/api/test_js_clients.py.
//
//   node clients.mjs <scenario> <base-url> <api-token> [thread-id]
//
// assistant-ui: the pipeline of @assistant-ui/react-data-stream's runtime adapter (its body
// builder `toLanguageModelMessages`, assistant-stream's decoders and message accumulator);
// useChat: the AI SDK's own `AbstractChat` and `DefaultChatTransport`, with a plain state.
import {
  AbstractChat,
  DefaultChatTransport,
  lastAssistantMessageIsCompleteWithToolCalls,
  validateUIMessages,
} from "ai";
import { SimpleImageAttachmentAdapter, fromThreadMessageLike } from "@assistant-ui/core";
import {
  AssistantMessageAccumulator,
  DataStreamDecoder,
  UIMessageStreamDecoder,
  toToolsJSONSchema,
  unstable_toolResultStream,
} from "assistant-stream";
import { asAsyncIterableStream } from "assistant-stream/utils";
import { toLanguageModelMessages } from "@assistant-ui/react-data-stream";
import { consumeSuggestionResult } from "@assistant-ui/core/internal";

const [scenario, baseUrl, token, threadId] = process.argv.slice(2);
// HEARTH_PROTOCOL: ask for a wire format by query parameter (else the body decides).
const api = `${baseUrl}/api/chat${process.env.HEARTH_PROTOCOL ? `?protocol=${process.env.HEARTH_PROTOCOL}` : ""}`;

// The header test of @assistant-ui/react-data-stream (resolveDataStreamProtocol).
function protocolOf(headers) {
  if (headers.get("x-vercel-ai-ui-message-stream") === "v1") return "ui-message-stream";
  if (headers.get("x-vercel-ai-data-stream") === "v1") return "data-stream";
  return "fallback";
}

// The frontend tool both clients declare and run: the device's location.
const LOCATE = {
  description: "Where this device is (city).",
  parameters: { type: "object", properties: { precision: { type: "string" } } },
};
const located = (input) => ({ city: "Lyon", precision: input?.precision ?? "city" });

// One assistant-ui request, as its runtime adapter (DataStreamRuntimeAdapter.run) makes it:
// the body (`toLanguageModelMessages([...messages, current])`, the tools as JSON schemas), and
// the answer decoded, run through `unstable_toolResultStream` (which runs frontend tools)
// and accumulated into a ThreadMessage.
async function assistantUiTurn(messages, { abortAfterChars = 0, tools = {}, current, onMessage } = {}) {
  const controller = new AbortController();
  const response = await fetch(api, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({
      messages: toLanguageModelMessages([...messages, current ?? assistantMessage()]),
      tools: toToolsJSONSchema(tools),
      ...(threadId ? { threadId } : {}),
    }),
    signal: controller.signal,
  });
  if (!response.ok) {
    return { status: response.status, body: await response.json() };
  }
  const protocol = protocolOf(response.headers);
  const decoder = protocol === "ui-message-stream" ? new UIMessageStreamDecoder() : new DataStreamDecoder();
  const stream = response.body
    .pipeThrough(decoder)
    .pipeThrough(unstable_toolResultStream(tools, controller.signal, () => {
      throw new Error("Tool interrupt is not supported in data stream runtime");
    }))
    .pipeThrough(new AssistantMessageAccumulator());
  let last;
  try {
    for await (const message of asAsyncIterableStream(stream)) {
      last = message;
      await onMessage?.(message);
      const text = message.content.filter((p) => p.type === "text").map((p) => p.text).join("");
      if (abortAfterChars && text.length >= abortAfterChars) {
        controller.abort();
        break;
      }
    }
  } catch (error) {
    if (error.name !== "AbortError") throw error;
  }
  return {
    status: response.status,
    protocol,
    threadId: response.headers.get("x-hearth-thread-id"),
    message: last,
  };
}

function userMessage(text) {
  return { id: `u-${Date.now()}`, role: "user", content: [{ type: "text", text }], attachments: [], metadata: { custom: {} }, createdAt: new Date() };
}

function assistantMessage() {
  return {
    id: "a-1",
    role: "assistant",
    content: [],
    status: { type: "running" },
    metadata: { unstable_state: null, unstable_annotations: [], unstable_data: [], steps: [], custom: {} },
    createdAt: new Date(),
  };
}

// @assistant-ui/core's shouldContinue (runtimes/local/should-continue.js), without approvals.
function shouldContinue(message) {
  if (message.status?.type !== "requires-action" || message.status.reason !== "tool-calls") return false;
  return message.content.every((c) => c.type !== "tool-call" || c.result !== undefined);
}

// A whole assistant-ui reply, as its local runtime drives one (LocalThreadRuntimeCore's
// performRoundtrip): each round's output is added to the same assistant message, and a
// round that ends needing tool results the frontend tools supplied goes round again.
async function assistantUiReply(text, tools) {
  const messages = [userMessage(text)];
  let message = assistantMessage();
  const rounds = [];
  for (let round = 0; round < 4; round++) {
    const out = await assistantUiTurn(messages, { tools, current: message });
    rounds.push({ status: out.status, protocol: out.protocol, threadId: out.threadId });
    if (!out.message) return { ...out, rounds, message };
    message = {
      ...message,
      content: [...message.content, ...out.message.content],
      status: out.message.status,
      metadata: {
        ...message.metadata,
        steps: [...message.metadata.steps, ...(out.message.metadata.steps ?? [])],
        unstable_data: [...message.metadata.unstable_data, ...(out.message.metadata.unstable_data ?? [])],
      },
    };
    if (!shouldContinue(message)) break;
  }
  return { rounds, message };
}

// "Ask first": the person's answer goes to POST /api/approvals/{id} while the stream waits
// (HEARTH_APPROVE=no denies). Each approval id is answered once.
const approve = process.env.HEARTH_APPROVE !== "no";
const answered = [];

async function answer(approvalId) {
  if (answered.some((a) => a.approvalId === approvalId)) return;
  answered.push({ approvalId, status: 0 });
  const response = await fetch(`${baseUrl}/api/approvals/${approvalId}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ approved: approve }),
  });
  answered.at(-1).status = response.status;
}

// assistant-ui has no approval part: the request is Hearth's `approval` data part, which its
// accumulator keeps in the message's `metadata.unstable_data` (as sent in the data stream;
// as `{name, data}` from the UI message stream).
const dataPart = (data) => (data?.name ? { type: data.name, ...data.data } : data);

async function assistantUiApproving(text) {
  const out = await assistantUiTurn([userMessage(text)], {
    onMessage: async (message) => {
      for (const data of (message.metadata?.unstable_data ?? []).map(dataPart)) {
        if (data?.type === "approval" && data.state === "waiting") await answer(data.approval_id);
      }
    },
  });
  return { ...out, answered };
}

// useChat, framework-free: AbstractChat with a plain state (what @ai-sdk/react's Chat adds is
// React re-rendering).
class PlainState {
  constructor() {
    this.status = "ready";
    this.error = undefined;
    this.messages = [];
  }
  pushMessage = (message) => { this.messages = [...this.messages, message]; };
  popMessage = () => { this.messages = this.messages.slice(0, -1); };
  replaceMessage = (index, message) => {
    this.messages = [...this.messages.slice(0, index), message, ...this.messages.slice(index + 1)];
  };
  snapshot = (thing) => structuredClone(thing);
}

class Chat extends AbstractChat {
  constructor(init) {
    super({ ...init, state: new PlainState() });
  }
}

// What Hearth offers after a thread's latest reply, once offered: a model's follow-ups are
// asked after its reply has ended, so they are not in its stream.
async function offeredSuggestions(thread) {
  const answer = await fetch(`${baseUrl}/api/threads/${encodeURIComponent(thread)}/suggestions`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return answer.json();
}

// assistant-ui's place for suggestions is its runtime's suggestion adapter: after each reply
// its local runtime (LocalThreadRuntimeCore) calls `generate` and puts what comes back in the
// thread's `suggestions`. Hearth's adapter reads the reply's own `suggestions` data part (the
// offline assistant's, which the accumulator keeps in `metadata.unstable_data`), or else asks
// Hearth for the thread's.
const hearthSuggestionAdapter = (thread) => ({
  async generate({ messages }) {
    const offers = (messages.at(-1)?.metadata?.unstable_data ?? []).filter(
      (data) => data?.type === "suggestions",
    );
    const texts = offers.length ? offers.at(-1).texts : (await offeredSuggestions(thread)).texts;
    return texts.map((prompt) => ({ prompt }));
  },
});

// One assistant-ui reply, then the thread's suggestions as its runtime fills them.
async function assistantUiSuggestions(text) {
  const out = await assistantUiTurn([userMessage(text)]);
  const finished = Date.now();
  let suggestions = [];
  await consumeSuggestionResult(
    hearthSuggestionAdapter(out.threadId).generate({ messages: [userMessage(text), out.message] }),
    { signal: new AbortController().signal, onUpdate: (update) => { suggestions = update; } },
  );
  return { ...out, suggestions, suggestionsAfterMs: Date.now() - finished };
}

// One useChat turn; then, as an app's `onFinish` would, the follow-ups the reply's stream did
// not carry (a model's), from Hearth.
async function useChatSuggestions(text) {
  const started = Date.now();
  const out = await useChatTurns([text]);
  const finished = Date.now();
  const offered = await offeredSuggestions(out.threadId);
  return {
    ...out,
    offered,
    streamMs: finished - started,
    suggestionsAfterMs: Date.now() - finished,
  };
}

// With `withTools`, the frontend tool is declared in the request body (useChat sends no tool
// schemas of its own), run in `onToolCall`, and its output sent back automatically when the
// last step's calls all have one (`lastAssistantMessageIsCompleteWithToolCalls`).
async function useChatTurns(texts, { abortAfterChars = 0, withTools = false, approving = false } = {}) {
  const errors = [];
  const chunks = [];
  const toolCalls = [];
  let response;
  const requests = [];
  const chat = new Chat({
    id: threadId,
    transport: new DefaultChatTransport({
      api,
      headers: { Authorization: `Bearer ${token}` },
      ...(withTools ? { body: { tools: { get_device_location: LOCATE } } } : {}),
      fetch: async (...args) => {
        response = await fetch(...args);
        requests.push(response.status);
        return response;
      },
    }),
    onError: (error) => errors.push(String(error.message ?? error)),
    onData: (part) => chunks.push(part),
    ...(withTools
      ? {
          onToolCall: ({ toolCall }) => {
            toolCalls.push(toolCall.toolName);
            if (toolCall.toolName === "get_device_location") {
              chat.addToolOutput({
                tool: "get_device_location",
                toolCallId: toolCall.toolCallId,
                output: located(toolCall.input),
              });
            }
          },
          sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls,
        }
      : {}),
  });
  for (const text of texts) {
    const sending = chat.sendMessage({ text });
    if (abortAfterChars) {
      // sendMessage moves the status off "ready" a few ticks later.
      while (chat.status === "ready") await new Promise((resolve) => setTimeout(resolve, 1));
      while (chat.status !== "ready" && chat.status !== "error") {
        const last = chat.messages.at(-1);
        const shown = last?.role === "assistant"
          ? last.parts.filter((p) => p.type === "text").map((p) => p.text).join("")
          : "";
        if (shown.length >= abortAfterChars) {
          await chat.stop();
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    if (approving) {
      // The tool part in state "approval-requested" carries the approval id.
      let done = false;
      sending.finally(() => { done = true; });
      while (!done) {
        for (const part of chat.messages.at(-1)?.parts ?? []) {
          if (part.state === "approval-requested") await answer(part.approval.id);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    await sending;
  }
  return {
    status: response?.status,
    protocol: response ? protocolOf(response.headers) : "",
    threadId: response?.headers.get("x-hearth-thread-id"),
    chatStatus: chat.status,
    requests,
    toolCalls,
    answered,
    errors,
    data: chunks,
    messages: chat.messages,
  };
}

// Files to attach (HEARTH_FILES: a JSON list of {name, type, base64}), as Node `File`s.
const files = JSON.parse(process.env.HEARTH_FILES ?? "[]").map(
  (f) => new File([Buffer.from(f.base64, "base64")], f.name, { type: f.type }),
);
const dataUrl = async (file) =>
  `data:${file.type};base64,${Buffer.from(await file.arrayBuffer()).toString("base64")}`;

// assistant-ui's attachments as its composer sends them: an image through its own
// SimpleImageAttachmentAdapter (add, then send), any other file as a document attachment
// with a `file` content part (what a file adapter sends).
async function assistantUiAttachments() {
  const images = new SimpleImageAttachmentAdapter();
  return Promise.all(
    files.map(async (file) => {
      if (file.type.startsWith("image/")) return images.send(await images.add({ file }));
      return {
        id: `doc-${file.name}`,
        type: "document",
        name: file.name,
        contentType: file.type,
        status: { type: "complete" },
        content: [{ type: "file", data: await dataUrl(file), mimeType: file.type, filename: file.name }],
      };
    }),
  );
}

// useChat's `sendMessage({ text, files })` with FileUIParts (what it makes of a FileList).
async function useChatAttaching(text) {
  const parts = await Promise.all(
    files.map(async (file) => ({ type: "file", mediaType: file.type, filename: file.name, url: await dataUrl(file) })),
  );
  const chat = new Chat({
    id: threadId,
    transport: new DefaultChatTransport({ api, headers: { Authorization: `Bearer ${token}` } }),
  });
  await chat.sendMessage({ text, files: parts });
  return { chatStatus: chat.status, error: chat.error?.message ?? null, messages: chat.messages };
}

// A thread's history loaded as each client loads it: useChat's messages checked by the AI
// SDK's own `validateUIMessages`; assistant-ui's converted by its `fromThreadMessageLike`.
async function history() {
  const read = async (format) => {
    const response = await fetch(`${baseUrl}/api/threads/${threadId}?format=${format}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    return (await response.json()).messages;
  };
  const ui = await validateUIMessages({ messages: await read("ui") });
  const content = (await read("content")).map((m, i) =>
    fromThreadMessageLike(m, `m-${i}`, { type: "complete", reason: "unknown" }),
  );
  return { ui, content };
}

// useChat's own edit and regenerate: `regenerate()` (the last reply, no messageId), then
// `regenerate({ messageId })` with the id Hearth streamed, then `sendMessage({ text, messageId })`
// on the first message (its id is the one useChat made for it). What the client shows after each.
async function useChatBranches(text, edited) {
  const errors = [];
  const requests = [];
  const chat = new Chat({
    id: threadId,
    transport: new DefaultChatTransport({
      api,
      headers: { Authorization: `Bearer ${token}` },
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        const body = JSON.parse(init.body);
        requests.push({ status: response.status, trigger: body.trigger, messageId: body.messageId ?? null });
        return response;
      },
    }),
    onError: (error) => errors.push(String(error.message ?? error)),
  });
  const shown = () =>
    chat.messages.map((m) => ({
      id: m.id,
      role: m.role,
      text: m.parts.filter((p) => p.type === "text").map((p) => p.text).join(""),
    }));
  const steps = {};
  await chat.sendMessage({ text });
  steps.sent = shown();
  await chat.regenerate();
  steps.regenerated = shown();
  await chat.regenerate({ messageId: chat.messages.at(-1).id });
  steps.again = shown();
  await chat.sendMessage({ text: edited, messageId: chat.messages[0].id });
  steps.edited = shown();
  return { requests, errors, steps, chatStatus: chat.status };
}

const scenarios = {
  "assistant-ui-attach": async () =>
    assistantUiTurn([{ ...userMessage(process.env.HEARTH_SAY ?? "look"), attachments: await assistantUiAttachments() }]),
  "use-chat-attach": async () => useChatAttaching(process.env.HEARTH_SAY ?? "look"),
  history,
  "use-chat-branches": async () => useChatBranches(...(process.env.HEARTH_SAY ?? "hello||hi").split("||")),
  "assistant-ui": async () => assistantUiTurn([userMessage(process.env.HEARTH_SAY ?? "hello")]),
  "assistant-ui-abort": async () =>
    assistantUiTurn([userMessage(process.env.HEARTH_SAY ?? "hello")], { abortAfterChars: 40 }),
  "assistant-ui-tool": async () =>
    assistantUiReply(process.env.HEARTH_SAY ?? "where am I?", {
      get_device_location: { ...LOCATE, execute: async (input) => located(input) },
    }),
  "use-chat-tool": async () =>
    useChatTurns([process.env.HEARTH_SAY ?? "where am I?"], { withTools: true }),
  "use-chat": async () => useChatTurns((process.env.HEARTH_SAY ?? "hello").split("||")),
  "assistant-ui-suggestions": async () => assistantUiSuggestions(process.env.HEARTH_SAY ?? "hello"),
  "use-chat-suggestions": async () => useChatSuggestions(process.env.HEARTH_SAY ?? "hello"),
  "assistant-ui-approve": async () => assistantUiApproving(process.env.HEARTH_SAY ?? "hello"),
  "use-chat-approve": async () =>
    useChatTurns([process.env.HEARTH_SAY ?? "hello"], { approving: true }),
  "use-chat-abort": async () =>
    useChatTurns([process.env.HEARTH_SAY ?? "hello"], { abortAfterChars: 40 }),
};

const run = scenarios[scenario];
if (!run) {
  console.error(`unknown scenario ${scenario}; one of ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
console.log(JSON.stringify(await run()));
