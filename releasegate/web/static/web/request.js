// The "new release" page: the application list follows the chosen project and the
// parameter fields follow the chosen application, each fetched as server-rendered HTML.
// The database questions behave the same on a rollback's page.
(function () {
  "use strict";
  var project = document.getElementById("request-project");
  var application = document.getElementById("request-application");
  var parameters = document.getElementById("request-parameters");
  // A rollback's page has the same database questions but a fixed application.
  if (project && application && parameters && window.fetch) { followChoices(); }

  function followChoices() {
    function load(url, into, done) {
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { into.innerHTML = html; if (done) { done(); } });
    }
    function query(params) {
      return Object.keys(params).map(function (key) {
        return encodeURIComponent(key) + "=" + encodeURIComponent(params[key]);
      }).join("&");
    }

    project.addEventListener("change", function () {
      parameters.innerHTML = "";
      var url = application.getAttribute("data-source") + "?" + query({ project: project.value });
      load(url, application, function () { application.setAttribute("data-loaded", project.value); });
    });
    application.addEventListener("change", function () {
      var url = parameters.getAttribute("data-source") + "?" +
        query({ project: project.value, application: application.value });
      load(url, parameters, function () { parameters.setAttribute("data-loaded", application.value); });
    });
  }

  // "Is the database change done?" matters only when there is one.
  var done = document.getElementById("request-db-change-done");
  function showDone() {
    var yes = document.querySelector("input[name=db_change][value=yes]");
    if (done && yes) { done.hidden = !yes.checked; }
  }
  document.querySelectorAll("input[name=db_change]").forEach(function (radio) {
    radio.addEventListener("change", showDone);
  });
  showDone();
})();
