// Search for the static copy of the site: every word must appear in an action's
// searchable text, matched without case or accents; Chinese is matched as written.
(function () {
  "use strict";
  var form = document.getElementById("static-search");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var index = null;

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function show(query) {
    var words = fold(query).split(/[\s,.;:!?"“”'()]+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { status.textContent = ""; return; }
    var found = index.filter(function (item) {
      return words.every(function (word) { return item.x.indexOf(word) !== -1; });
    });
    // The page's own words, in its language: "{found} of {total} actions match."
    status.textContent = found.length
      ? status.dataset.found.replace("{found}", found.length).replace("{total}", index.length)
      : status.dataset.none;
    found.slice(0, 200).forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.u;
      link.textContent = item.d + ": " + item.t;
      var mechanism = document.createElement("p");
      mechanism.textContent = item.m;
      var summary = document.createElement("p");
      summary.textContent = item.s;
      li.append(link, mechanism, summary);
      list.append(li);
    });
  }

  function load() {
    if (index) return Promise.resolve(index);
    return fetch(form.dataset.index).then(function (r) { return r.json(); })
      .then(function (data) { index = data; return index; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value;
    window.history.replaceState(null, "", "?q=" + encodeURIComponent(query));
    load().then(function () { show(query); });
  });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    load().then(function () { show(initial); });
  }
})();
