// Live updates of the releases table: re-fetch its body every 5 seconds (while the tab is
// visible) from the fragment URL the server put on it, with the page's own filters.
(function () {
  "use strict";
  var rows = document.getElementById("release-rows");
  if (!rows || !window.fetch) { return; }
  var source = rows.getAttribute("data-source");
  function refresh() {
    if (document.hidden) { return; }
    fetch(source, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null) {
          rows.innerHTML = html;
          rows.setAttribute("data-refreshed-at", String(Date.now()));
        }
      })
      .catch(function () { /* offline for a moment: the next tick tries again */ });
  }
  window.setInterval(refresh, 5000);
})();
