// Registers Hearth's service worker (sw.js: the offline page). A file, not an inline script,
// so the pages' Content-Security-Policy allows it as 'self'.
(function () {
  if (!("serviceWorker" in navigator)) return;
  function register() {
    navigator.serviceWorker.register("/sw.js").catch(function (error) {
      console.warn("Hearth: no offline page (service worker not registered):", error);
    });
  }
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register);
})();
