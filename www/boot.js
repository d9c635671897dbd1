// The page's first script, a classic one: it starts the checker's worker while the page's modules
// are still on their way, and id-photo-check.js adopts it, with what it said meanwhile, instead of
// starting its own. The modules arrive, run and define the element 40-90 ms into a cold load (after the
// browser's first layout); the worker then takes another 40-60 ms to start, which now overlaps them.
// Embedding sites need not load it: without it the module starts the worker itself.
(function () {
  const worker = new Worker(new URL("worker.js", document.currentScript.src), { type: "module" });
  const boot = { worker, messages: [], failed: false };
  boot.onMessage = (e) => boot.messages.push(e.data);
  boot.onError = () => {
    boot.failed = true;
  };
  worker.addEventListener("message", boot.onMessage);
  worker.addEventListener("error", boot.onError);
  window.idPhotoCheckBoot = boot;
})();
