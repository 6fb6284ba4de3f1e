/* The progress of an HR roster upload: poll its JSON status and move the bar; reload the page
   once it is finished (the page then shows the preview, the errors or the result). Without
   JavaScript the page refreshes itself (a <noscript> meta refresh). */
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = document.getElementById("upload-progress");
  var step = document.getElementById("progress-step");
  var text = document.getElementById("progress-text");
  var lastPercent = -1;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (state) {
        bar.value = state.percent;
        bar.textContent = state.percent + "%";
        step.textContent = state.step;
        if (state.percent !== lastPercent) {
          text.textContent = state.percent + "% done. This page updates by itself.";
          lastPercent = state.percent;
        }
        if (state.finished) {
          text.textContent = "Finished. Loading the result…";
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
