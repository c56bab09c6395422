// Runs the JavaScript chat clients' own code against Hearth's HTTP API and prints, as JSON,
// what each client ended up with. Used by tests/api/test_js_clients.py.
//
//   node clients.mjs <scenario> <base-url> <api-token> [thread-id]
//
// assistant-ui: the pipeline of @assistant-ui/react-data-stream's runtime adapter (its body
// builder `toLanguageModelMessages`, assistant-stream's decoders and message accumulator);
// useChat: the AI SDK's own `AbstractChat` and `DefaultChatTransport`, with a plain state.
import { AbstractChat, DefaultChatTransport } from "ai";
import {
  AssistantMessageAccumulator,
  DataStreamDecoder,
  UIMessageStreamDecoder,
  toToolsJSONSchema,
} from "assistant-stream";
import { asAsyncIterableStream } from "assistant-stream/utils";
import { toLanguageModelMessages } from "@assistant-ui/react-data-stream";

const [scenario, baseUrl, token, threadId] = process.argv.slice(2);
const api = `${baseUrl}/api/chat`;

// The header test of @assistant-ui/react-data-stream (resolveDataStreamProtocol).
function protocolOf(headers) {
  if (headers.get("x-vercel-ai-ui-message-stream") === "v1") return "ui-message-stream";
  if (headers.get("x-vercel-ai-data-stream") === "v1") return "data-stream";
  return "fallback";
}

// One assistant-ui turn: the request body its runtime sends, the answer decoded and
// accumulated into a ThreadMessage as its runtime does.
async function assistantUiTurn(messages, { abortAfterChars = 0 } = {}) {
  const controller = new AbortController();
  const response = await fetch(api, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({
      messages: toLanguageModelMessages(messages),
      tools: toToolsJSONSchema({}),
      ...(threadId ? { threadId } : {}),
    }),
    signal: controller.signal,
  });
  if (!response.ok) {
    return { status: response.status, body: await response.json() };
  }
  const protocol = protocolOf(response.headers);
  const decoder = protocol === "ui-message-stream" ? new UIMessageStreamDecoder() : new DataStreamDecoder();
  const stream = response.body.pipeThrough(decoder).pipeThrough(new AssistantMessageAccumulator());
  let last;
  try {
    for await (const message of asAsyncIterableStream(stream)) {
      last = message;
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

async function useChatTurns(texts, { abortAfterChars = 0 } = {}) {
  const errors = [];
  const chunks = [];
  let response;
  const chat = new Chat({
    id: threadId,
    transport: new DefaultChatTransport({
      api,
      headers: { Authorization: `Bearer ${token}` },
      fetch: async (...args) => {
        response = await fetch(...args);
        return response;
      },
    }),
    onError: (error) => errors.push(String(error.message ?? error)),
    onData: (part) => chunks.push(part),
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
    await sending;
  }
  return {
    status: response?.status,
    protocol: response ? protocolOf(response.headers) : "",
    threadId: response?.headers.get("x-hearth-thread-id"),
    chatStatus: chat.status,
    errors,
    data: chunks,
    messages: chat.messages,
  };
}

const scenarios = {
  "assistant-ui": async () => assistantUiTurn([userMessage(process.env.HEARTH_SAY ?? "hello")]),
  "assistant-ui-abort": async () =>
    assistantUiTurn([userMessage(process.env.HEARTH_SAY ?? "hello")], { abortAfterChars: 40 }),
  "use-chat": async () => useChatTurns((process.env.HEARTH_SAY ?? "hello").split("||")),
  "use-chat-abort": async () =>
    useChatTurns([process.env.HEARTH_SAY ?? "hello"], { abortAfterChars: 40 }),
};

const run = scenarios[scenario];
if (!run) {
  console.error(`unknown scenario ${scenario}; one of ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
console.log(JSON.stringify(await run()));
