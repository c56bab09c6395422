// The transcript's scrolling: it follows new text (a streaming reply, a new message) only
// while the reader is at the bottom; scrolled up, it stays put and offers "Jump to latest".
// Sending a message brings the view back down.
import { useEffect, useRef, useState } from "react";

// Within this many pixels of the end counts as "at the bottom".
const NEAR_BOTTOM_PX = 48;

function distanceFromBottom(el) {
  return el.scrollHeight - el.scrollTop - el.clientHeight;
}

export function FollowScroll({ children, followKey, ...rest }) {
  const ref = useRef(null);
  const atBottom = useRef(true);
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
    const newestOwnId = () => {
      const theirs = el.querySelectorAll('[data-role="user"]');
      return theirs[theirs.length - 1]?.dataset.messageId ?? null;
    };
    let seenOwnId = newestOwnId();
    const mutations = new MutationObserver(() => {
      const ownId = newestOwnId();
      if (ownId !== seenOwnId) {
        seenOwnId = ownId;
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
