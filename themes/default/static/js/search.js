// Suggestions while a citizen types in the search box: unit names and item titles of the portal
// (cms.search.suggestions), offered through the input's <datalist>. Without JavaScript the box
// still searches.
(function () {
  "use strict";
  var form = document.querySelector("form.search-box[data-suggest]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var list = form.querySelector("datalist");
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      last = q;
      fetch(form.dataset.suggest + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          list.textContent = "";
          data.suggestions.forEach(function (suggestion) {
            var option = document.createElement("option");
            option.value = suggestion.label;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 200);
  });
})();
