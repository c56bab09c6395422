// What the polite live region says while a reply streams: each stretch of finished sentences
// once, as it ends, and the rest once when the live text goes (the reply, or its segment,
// ended). Nothing is said twice, and the saved message that replaces the live text is not in
// a live region, so it is not said again. No imports, so node can load it as is.

// Where the finished sentences of `text` end (0: none yet). A "." right after a digit at the
// very end may still become "22.5", so it only counts once something follows it.
export function finishedUpTo(text) {
  const ends = [...text.matchAll(/(?<!\d)[.!?…](?=\s|$)|[.!?…](?=\s)|\n/g)];
  if (!ends.length) return 0;
  return ends[ends.length - 1].index + 1;
}

export function createAnnouncer() {
  const said = new Map(); // key -> how much of its text has been announced
  const listeners = new Set();
  let current = "";
  const announce = (key, text, upTo) => {
    const from = said.get(key) ?? 0;
    if (upTo <= from) return;
    said.set(key, upTo);
    const piece = text.slice(from, upTo).replace(/\s+/g, " ").trim();
    if (!piece) return;
    current = piece;
    listeners.forEach((listener) => listener());
  };
  return {
    // The live text of `key` grew: announce the sentences it finished since last time.
    grew: (key, text) => announce(key, text, finishedUpTo(text)),
    // The live text of `key` is gone: announce whatever of it was not yet said.
    ended: (key, text) => announce(key, text, text.length),
    current: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

// One announcer per page, shared by every HearthStream and the app's one live region.
export function announcer() {
  if (typeof window === "undefined") return null;
  window.__hearthAnnouncer ??= createAnnouncer();
  return window.__hearthAnnouncer;
}
