// The page's first script, a classic one: it starts the checker's worker while the page's modules
// are still on their way, and id-photo-check.js adopts it, with what it said meanwhile, instead of
// starting its own. The modules arrive, run and define the element 40-90 ms into a cold load (after the
// browser's first layout); the worker then takes another 40-60 ms to start, which now overlaps them.
// Embedding sites need not load it: without it the module starts the worker itself.
//
// It also fetches and compiles the wasm here, while the worker starts and fetches its own two scripts
// (20-40 ms), and hands the compiled module over: the worker would otherwise begin that fetch only once
// its scripts have run. The SIMD128 build first; a browser without SIMD refuses to compile it, and gets
// the plain build. If neither compiles here (a host whose policy forbids wasm in the page), the worker
// is told so and fetches the wasm itself.
(function () {
  const src = document.currentScript.src;
  const worker = new Worker(new URL("pkg/worker.js", src), { type: "module", name: "compiled-elsewhere" });
  const compile = (file) => WebAssembly.compileStreaming(fetch(new URL(`pkg/${file}`, src)));
  compile("id_photo_check_simd_bg.wasm")
    .catch((e) => {
      if (e instanceof WebAssembly.CompileError) return compile("id_photo_check_bg.wasm");
      throw e;
    })
    .then(
      (module) => worker.postMessage({ compiled: module }),
      () => worker.postMessage({ compiled: null }),
    );
  const boot = { worker, messages: [], failed: false };
  boot.onMessage = (e) => boot.messages.push(e.data);
  boot.onError = () => {
    boot.failed = true;
  };
  worker.addEventListener("message", boot.onMessage);
  worker.addEventListener("error", boot.onError);
  window.idPhotoCheckBoot = boot;
})();
