// Hearth's stream store: the text of each live segment, reassembled from pieces that carry
// their offset. Overlaps are trimmed (a snapshot sent to a tab that already has the text)
// and early pieces wait for the gap before them. No imports, so node tests load it as is.

export function createStreamStore() {
  const texts = new Map();
  const early = new Map(); // key -> Map(offset -> text) that came before the text ahead of it
  const listeners = new Set();
  const notify = () => listeners.forEach((listener) => listener());
  const place = (key, text, offset) => {
    const current = texts.get(key) ?? "";
    if (offset > current.length) {
      if (!early.has(key)) early.set(key, new Map());
      early.get(key).set(offset, text);
      return false;
    }
    const fresh = text.slice(current.length - offset);
    if (fresh) texts.set(key, current + fresh);
    return true;
  };
  return {
    // Returns true while pieces of the key wait for a gap before them: the server is asked
    // to send the segment again (a lost piece must not hide the rest of a reply).
    append(key, text, offset) {
      place(key, text, offset);
      const waiting = early.get(key);
      let placed = true;
      while (waiting?.size && placed) {
        placed = false;
        for (const [at, piece] of waiting) {
          if (at <= (texts.get(key) ?? "").length) {
            waiting.delete(at);
            place(key, piece, at);
            placed = true;
          }
        }
      }
      notify();
      return Boolean(early.get(key)?.size);
    },
    get: (key) => texts.get(key) ?? "",
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

// One store per page, shared by every HearthStream and the socket hook.
export function streamStore() {
  if (typeof window === "undefined") return null;
  window.__hearthStream ??= createStreamStore();
  return window.__hearthStream;
}
