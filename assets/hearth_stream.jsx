// The live end of an assistant reply. The server sends only new text, one batch per ~50 ms,
// as a bare socket.io event ("text", key, text, offset) on Reflex's own connection; this
// component shows the text gathered for its key as markdown, its unfinished tail mended
// (hearth_live_markdown.jsx); the app's one polite live region announces finished sentences
// once each, and the rest when the live text goes (hearth_announcer.mjs).
import { useEffect, useSyncExternalStore } from "react";
import { Socket } from "socket.io-client";
import { announcer } from "./hearth_announcer.mjs";
import { LiveMarkdown } from "./hearth_live_markdown.jsx";
import { streamStore } from "./hearth_stream_store.mjs";

// How long a gap is left to the server (which also re-sends on its own when the tab's socket
// changes) before asking again.
const RESEND_EVERY_MS = 1000;
const askedAt = new Map();

// socket.io-client offers no public hook on a socket it did not create (Reflex's), so the
// method that dispatches incoming events is wrapped once to take Hearth's stream event.
if (typeof window !== "undefined" && !Socket.prototype.__hearthStream) {
  const emitEvent = Socket.prototype.emitEvent;
  Socket.prototype.emitEvent = function (args) {
    if (args[0] === "text") {
      const key = args[1];
      if (streamStore().append(key, args[2], args[3])) {
        // A piece came after a gap: ask for the whole segment (the store trims the overlap).
        const now = Date.now();
        if (!(now - askedAt.get(key) < RESEND_EVERY_MS)) {
          askedAt.set(key, now);
          this.emit("hearth_resend", key);
        }
      }
      return;
    }
    return emitEvent.call(this, args);
  };
  Socket.prototype.__hearthStream = true;
}

export function HearthStream({ streamKey, ...rest }) {
  const store = streamStore();
  const text = useSyncExternalStore(
    (listener) => store.subscribe(listener),
    () => store.get(streamKey),
    () => "",
  );
  useEffect(() => {
    announcer().grew(streamKey, text);
  }, [streamKey, text]);
  // The live text goes when its segment is saved (or the reply ends): say the rest, once.
  useEffect(() => () => announcer().ended(streamKey, store.get(streamKey)), [streamKey, store]);
  return (
    <div {...rest}>
      <div className="hearth-stream-text">
        <LiveMarkdown text={text} />
      </div>
    </div>
  );
}

// The app's one polite live region: it outlives each reply's live text, so the end of a
// reply is still read after the live text has been replaced by the saved message.
function Announcer() {
  const said = useSyncExternalStore(
    (listener) => announcer().subscribe(listener),
    () => announcer().current(),
    () => "",
  );
  return (
    <div aria-live="polite" aria-atomic="true" className="hearth-sr-only" id="hearth-announcer">
      {said}
    </div>
  );
}

// The app's root wrapper: importing this module early installs the socket hook above.
export function HearthStreamRoot({ children }) {
  return (
    <>
      {children}
      <Announcer />
    </>
  );
}
