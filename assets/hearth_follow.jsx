// The transcript's scrolling: it follows new text (a streaming reply, a new message) only
// while the reader is at the bottom; scrolled up, it stays put and offers "Jump to latest".
// Sending a message brings the view back down. A search hit opens the thread at its
// message: scrolled into view and marked for a moment (`data-jumped`), not at the bottom.
import { useEffect, useRef, useState } from "react";

// Within this many pixels of the end counts as "at the bottom".
const NEAR_BOTTOM_PX = 48;
// How long a message a search hit opened at stays marked.
const JUMP_MARK_MS = 2500;

function distanceFromBottom(el) {
  return el.scrollHeight - el.scrollTop - el.clientHeight;
}

// The id of the reader's newest message shown in `el`.
function newestOwnId(el) {
  const theirs = el.querySelectorAll('[data-role="user"]');
  return theirs[theirs.length - 1]?.dataset.messageId ?? null;
}

export function FollowScroll({ children, followKey, jumpTo, ...rest }) {
  const ref = useRef(null);
  const atBottom = useRef(true);
  const seenOwnId = useRef(null);
  const [isScrolledUp, setScrolledUp] = useState(false);

  const toBottom = () => {
    const el = ref.current;
    if (!el) return;
    atBottom.current = true;
    el.scrollTop = el.scrollHeight;
    setScrolledUp(false);
  };

  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    // Only the reader moves the view away from the bottom; growth below does not.
    const onScroll = () => {
      atBottom.current = distanceFromBottom(el) <= NEAR_BOTTOM_PX;
      setScrolledUp(!atBottom.current);
    };
    const onGrow = () => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
      else setScrolledUp(distanceFromBottom(el) > NEAR_BOTTOM_PX);
    };
    // The reader's own new message brings the view down to it. Rows are keyed by position,
    // so "Show earlier messages" adds nodes too: what tells a new message is a new id on the
    // newest of theirs.
    seenOwnId.current = newestOwnId(el);
    const mutations = new MutationObserver(() => {
      const ownId = newestOwnId(el);
      if (ownId !== seenOwnId.current) {
        seenOwnId.current = ownId;
        if (ownId !== null) atBottom.current = true;
      }
      onGrow();
    });
    mutations.observe(el, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: ["data-message-id"],
    });
    const resizes = new ResizeObserver(onGrow);
    resizes.observe(el);
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      mutations.disconnect();
      resizes.disconnect();
      el.removeEventListener("scroll", onScroll);
    };
  }, []);

  // Another thread opens at its newest message.
  useEffect(toBottom, [followKey]);

  // ...unless it opens at a search hit (after the line above, which it overrides): the view
  // stays at the hit, as if the reader had scrolled there (the messages shown now are not
  // news that would bring it down).
  useEffect(() => {
    const el = ref.current;
    const messageId = (jumpTo || "").split(":")[0];
    const target = messageId && el?.querySelector(`[data-message-id="${CSS.escape(messageId)}"]`);
    if (!target) return undefined;
    seenOwnId.current = newestOwnId(el);
    atBottom.current = false;
    // Centred in this box (scrollIntoView would scroll the page around it too).
    const offset = target.getBoundingClientRect().top - el.getBoundingClientRect().top;
    el.scrollTop += offset - Math.max(0, (el.clientHeight - target.offsetHeight) / 2);
    setScrolledUp(distanceFromBottom(el) > NEAR_BOTTOM_PX);
    target.dataset.jumped = "true";
    const unmark = setTimeout(() => delete target.dataset.jumped, JUMP_MARK_MS);
    return () => {
      clearTimeout(unmark);
      delete target.dataset.jumped;
    };
  }, [jumpTo]);

  return (
    <div ref={ref} {...rest}>
      {children}
      {isScrolledUp && (
        <button type="button" className="jump-to-latest" onClick={toBottom}>
          Jump to latest ↓
        </button>
      )}
    </div>
  );
}
