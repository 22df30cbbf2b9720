// Filtering in place: the filter form works without JavaScript (it is a plain GET
// form); with it, each change loads the filtered page in the background, swaps the
// browsing region and updates the address, so every state stays a shareable URL.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser || !window.history.pushState) return;
  document.documentElement.classList.add("js");
  var pending = null;

  function urlFor(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "") params.append(key, value);
    });
    var query = params.toString();
    return form.action.split("?")[0] + (query ? "?" + query : "");
  }

  function load(url, push) {
    var region = document.getElementById("browse");
    var focused = document.activeElement && document.activeElement.id;
    if (pending) pending.abort();
    pending = new AbortController();
    region.setAttribute("aria-busy", "true");
    fetch(url, { signal: pending.signal, headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("browse");
        if (!fresh) { window.location.href = url; return; }
        region.replaceWith(fresh);
        document.title = page.title;
        if (push) window.history.pushState({ inplace: true }, "", url);
        var count = fresh.querySelector(".result-count");
        var live = document.getElementById("live-count");
        if (count && live) live.textContent = count.textContent.trim();
        var again = focused && document.getElementById(focused);
        if (again) again.focus();
        bind();
      })
      .catch(function (error) {
        if (error.name !== "AbortError") window.location.href = url;
      });
  }

  function bind() {
    var form = document.getElementById("filters");
    if (!form) return;
    form.addEventListener("change", function (event) {
      if (event.target.name === "q") return;
      load(urlFor(form), true);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      load(urlFor(form), true);
    });
    document.querySelectorAll("#browse .chip, #browse .pagination a").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        load(link.href, true);
      });
    });
  }

  // On a phone the filters would push the results off the first screen: fold them
  // until the reader opens them, unless some are already in use.
  var panel = document.querySelector(".facet-panel");
  if (panel && window.matchMedia("(max-width: 50rem)").matches &&
      !panel.querySelector("input:checked")) {
    panel.open = false;
  }

  window.addEventListener("popstate", function () { load(window.location.href, false); });
  bind();
})();
